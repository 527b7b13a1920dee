import type { Db } from '@kindling/db';
import type { ReviewResult } from '@kindling/shared';
import { dismissFromReview } from '@kindling/sending';
import type { Auth } from '../../http/route.js';
import { reviewActor } from './review-actor.js';

/** Closes messages awaiting review as final, with the reason (no re-send). */
export async function dismissReview(
  db: Db,
  auth: Auth,
  ids: string[],
  reason: string,
): Promise<ReviewResult> {
  return {
    ids: await dismissFromReview(db, auth.workspaceId, ids, reason, await reviewActor(db, auth)),
  };
}
