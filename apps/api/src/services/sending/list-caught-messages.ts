import type { Db } from '@kindling/db';
import type { CaughtMessageSummary } from '@kindling/shared';

/** Messages the dev mail catcher caught for the workspace, newest first. */
export async function listCaughtMessages(
  db: Db,
  workspaceId: string,
  limit: number,
): Promise<CaughtMessageSummary[]> {
  const rows = await db.caughtMessage.findMany({
    where: { workspaceId },
    orderBy: { receivedAt: 'desc' },
    take: limit,
    select: {
      id: true,
      messageId: true,
      envelopeFrom: true,
      envelopeTo: true,
      subject: true,
      size: true,
      receivedAt: true,
    },
  });
  return rows.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
}
