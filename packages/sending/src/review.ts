// Messages whose SMTP outcome is unknown (the worker died, or the connection was lost, after the
// end of DATA may have reached the server): never re-sent automatically (at most once), listed
// for a person, who re-queues one (sent once more through the normal pipeline, suppression
// checked again at send time) or dismisses it (final, with the reason). Such a row is `failed`
// with `reviewAt` set; acting on it clears `reviewAt`.
import type { Db, MessageKind } from '@kindling/db';

export interface ReviewEntry {
  id: string;
  toEmail: string;
  subject: string;
  kind: MessageKind;
  campaignId: string | null;
  campaignName: string | null;
  handedAt: string | null;
  reviewAt: string;
  reason: string;
}

const awaiting = (workspaceId: string, ids?: string[]) => ({
  workspaceId,
  status: 'failed' as const,
  reviewAt: { not: null },
  ...(ids ? { id: { in: ids } } : {}),
});

/** The workspace's messages awaiting review, oldest first, and how many there are in all. */
export async function listForReview(
  db: Db,
  workspaceId: string,
  limit: number,
): Promise<{ total: number; messages: ReviewEntry[] }> {
  const [total, rows] = await Promise.all([
    db.message.count({ where: awaiting(workspaceId) }),
    db.message.findMany({
      where: awaiting(workspaceId),
      orderBy: { reviewAt: 'asc' },
      take: limit,
      select: {
        id: true,
        toEmail: true,
        subject: true,
        kind: true,
        campaignId: true,
        campaign: { select: { name: true } },
        handedAt: true,
        reviewAt: true,
        lastError: true,
      },
    }),
  ]);
  return {
    total,
    messages: rows.map((r) => ({
      id: r.id,
      toEmail: r.toEmail,
      subject: r.subject,
      kind: r.kind,
      campaignId: r.campaignId,
      campaignName: r.campaign?.name ?? null,
      handedAt: r.handedAt?.toISOString() ?? null,
      reviewAt: r.reviewAt!.toISOString(),
      reason: r.lastError ?? 'ambiguous SMTP outcome',
    })),
  };
}

/**
 * Puts messages awaiting review back to `queued` and enqueues them (`enqueue`), returning the ids
 * acted on. If enqueueing fails they are set aside for review again, as they were.
 */
export async function requeueFromReview(
  db: Db,
  workspaceId: string,
  ids: string[],
  by: string,
  enqueue: (ids: string[]) => Promise<void>,
): Promise<string[]> {
  const rows = await db.message.findMany({
    where: awaiting(workspaceId, ids),
    select: { id: true, lastError: true, reviewAt: true },
  });
  if (!rows.length) return [];
  const found = rows.map((r) => r.id);
  // Conditional on still awaiting review: a concurrent dismiss or re-queue wins once.
  const taken = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Message" SET status = 'queued', "reviewAt" = NULL, "handedAt" = NULL, "claimedAt" = NULL,
      "claimedBy" = NULL, attempts = 0, "lastError" = ${`re-queued after review by ${by}`.slice(0, 500)},
      "updatedAt" = now()
    WHERE id = ANY(${found}::uuid[]) AND status = 'failed' AND "reviewAt" IS NOT NULL
    RETURNING id::text`;
  const done = taken.map((r) => r.id);
  try {
    if (done.length) await enqueue(done);
  } catch (err) {
    for (const r of rows.filter((x) => done.includes(x.id)))
      await db.message.updateMany({
        where: { id: r.id, status: 'queued' },
        data: { status: 'failed', reviewAt: r.reviewAt, lastError: r.lastError },
      });
    throw err;
  }
  return done;
}

/** Marks messages awaiting review final (`failed`, no longer listed) with the person's reason. */
export async function dismissFromReview(
  db: Db,
  workspaceId: string,
  ids: string[],
  reason: string,
  by: string,
): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Message" SET "reviewAt" = NULL,
      "lastError" = left(${`dismissed after review by ${by}: ${reason}`} || ' (was: ' || coalesce("lastError", '') || ')', 1000),
      "updatedAt" = now()
    WHERE "workspaceId" = ${workspaceId}::uuid AND id = ANY(${ids}::uuid[]) AND status = 'failed' AND "reviewAt" IS NOT NULL
    RETURNING id::text`;
  return rows.map((r) => r.id);
}
