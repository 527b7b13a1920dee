// Messages awaiting review (an SMTP outcome nobody knows: see the worker's email-send.ts): the
// Outbox lists them; a person re-queues or dismisses them, one by one or in bulk. Admins only.
import { z } from 'zod';
import {
  dismissReviewSchema,
  requeueReviewSchema,
  reviewListSchema,
  reviewResultSchema,
} from '@kindling/shared';
import { listForReview } from '@kindling/sending';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { dismissReview } from '../services/sending/dismiss-review.js';
import { requeueReview } from '../services/sending/requeue-review.js';

export function reviewRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;
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
      handler: ({ auth, body }) => requeueReview(deps, auth, body.ids),
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
      handler: ({ auth, body }) => dismissReview(db, auth, body.ids, body.reason),
    }),
  ];
}
