// The review queue of inbound reports (DSN, ARF, SES, mailto unsubscribe) that could not prove
// they were about a message Kindling sent: nothing was suppressed for them. Admins of the
// workspace a report claims to concern see it here and dismiss it once looked at.
import { z } from 'zod';
import { idParamSchema, inboundReviewSchema } from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { dismissInboundReview } from '../services/sending/dismiss-inbound-review.js';
import { listInboundReviews } from '../services/sending/list-inbound-reviews.js';

/** GET and DELETE /api/sending/inbound-reviews. */
export function inboundReviewRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/sending/inbound-reviews',
      summary: 'Inbound reports stored for review instead of acted on (unverifiable), newest first',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: z.array(inboundReviewSchema),
      handler: ({ auth, query }) => listInboundReviews(db, auth.workspaceId, query.limit),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/sending/inbound-reviews/:id',
      summary: 'Dismiss a reviewed inbound report',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      status: 204,
      handler: ({ auth, params }) => dismissInboundReview(db, auth.workspaceId, params.id),
    }),
  ];
}
