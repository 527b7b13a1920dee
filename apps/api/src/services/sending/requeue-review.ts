import type { ReviewResult } from '@kindling/shared';
import { requeueEmailSend } from '@kindling/queue';
import { requeueFromReview } from '@kindling/sending';
import type { AppDeps } from '../../deps.js';
import { emailQueue } from '../../email-queue.js';
import type { Auth } from '../../http/route.js';
import { reviewActor } from './review-actor.js';

/** Sends messages awaiting review once more (suppression is checked again at send time). */
export async function requeueReview(
  deps: AppDeps,
  auth: Auth,
  ids: string[],
): Promise<ReviewResult> {
  const { db } = deps;
  return {
    ids: await requeueFromReview(db, auth.workspaceId, ids, await reviewActor(db, auth), (sent) =>
      requeueEmailSend(emailQueue(deps), sent, 'review'),
    ),
  };
}
