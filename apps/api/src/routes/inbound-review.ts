// The review queue of inbound reports (DSN, ARF, SES, mailto unsubscribe) that could not prove
// they were about a message Kindling sent: nothing was suppressed for them. Admins of the
// workspace a report claims to concern see it here and dismiss it once looked at.
import { z } from 'zod';
import { idParamSchema, inboundReviewSchema } from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { notFound } from '../http/errors.js';
import { defineRoute, type AnyRoute } from '../http/route.js';

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
      handler: async ({ auth, query }) => {
        const rows = await db.inboundReview.findMany({
          where: { workspaceId: auth.workspaceId },
          orderBy: { receivedAt: 'desc' },
          take: query.limit,
        });
        return rows.map((r) => ({
          id: r.id,
          source: r.source,
          kind: r.kind,
          reason: r.reason,
          messageId: r.messageId,
          envelopeFrom: r.envelopeFrom,
          envelopeTo: r.envelopeTo,
          namedRecipients: r.namedRecipients,
          excerpt: r.excerpt,
          receivedAt: r.receivedAt.toISOString(),
        }));
      },
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
      handler: async ({ auth, params }) => {
        const { count } = await db.inboundReview.deleteMany({
          where: { id: params.id, workspaceId: auth.workspaceId },
        });
        if (count === 0) throw notFound('Review item');
      },
    }),
  ];
}
