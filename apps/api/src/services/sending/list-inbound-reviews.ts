import type { Db } from '@kindling/db';
import type { InboundReview } from '@kindling/shared';

/** Inbound reports stored for review instead of acted on (unverifiable), newest first. */
export async function listInboundReviews(
  db: Db,
  workspaceId: string,
  limit: number,
): Promise<InboundReview[]> {
  const rows = await db.inboundReview.findMany({
    where: { workspaceId },
    orderBy: { receivedAt: 'desc' },
    take: limit,
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
}
