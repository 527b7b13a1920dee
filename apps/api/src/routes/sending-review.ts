// Messages awaiting review (an SMTP outcome nobody knows: see the worker's email-send.ts): the
// Outbox lists them; a person re-queues or dismisses them, one by one or in bulk. Admins only.
import type { Queue } from 'bullmq';
import { z } from 'zod';
import {
  dismissReviewSchema,
  requeueReviewSchema,
  reviewListSchema,
  reviewResultSchema,
} from '@kindling/shared';
import { requeueEmailSend } from '@kindling/queue';
import { dismissFromReview, listForReview, requeueFromReview } from '@kindling/sending';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute, type Auth } from '../http/route.js';

export function reviewRoutes(deps: AppDeps, emailQueue: () => Queue): AnyRoute[] {
  const { db } = deps;
  /** Who acted, for the message's history. */
  const actor = async (auth: Auth): Promise<string> => {
    if (auth.userId) {
      const u = await db.user.findUnique({ where: { id: auth.userId }, select: { email: true } });
      if (u) return u.email;
    }
    return auth.apiKeyId ? `API key ${auth.apiKeyId}` : 'unknown';
  };

  return [
    defineRoute({
      method: 'get',
      path: '/api/sending/review',
      summary:
        'Messages awaiting review: their SMTP outcome is unknown, never re-sent automatically',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }),
      response: reviewListSchema,
      handler: ({ auth, query }) => listForReview(db, auth.workspaceId, query.limit),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/review/requeue',
      summary:
        'Send messages awaiting review once more (suppression is checked again at send time)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      body: requeueReviewSchema,
      response: reviewResultSchema,
      handler: async ({ auth, body }) => ({
        ids: await requeueFromReview(db, auth.workspaceId, body.ids, await actor(auth), (ids) =>
          requeueEmailSend(emailQueue(), ids, 'review'),
        ),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/review/dismiss',
      summary: 'Close messages awaiting review as final, with the reason (no re-send)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      body: dismissReviewSchema,
      response: reviewResultSchema,
      handler: async ({ auth, body }) => ({
        ids: await dismissFromReview(
          db,
          auth.workspaceId,
          body.ids,
          body.reason,
          await actor(auth),
        ),
      }),
    }),
  ];
}
