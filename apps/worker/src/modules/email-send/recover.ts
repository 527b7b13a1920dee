// Recover: what a stopped worker left `sending`, resolved as soon as its death is known.
//
// Every email.send process keeps a heartbeat row (SendWorker, refreshed every `heartbeatMs`) and
// sweeps, as often, the `sending` rows whose claiming worker has not been seen for
// DEAD_AFTER heartbeats (killed, OOM, host lost) or whose claim is older than the lease:
// - never handed to SMTP (no `handedAt`): nothing was delivered; the row goes back to `queued`
//   (the attempt is not counted) and a fresh email.send job is enqueued, so it is sent once;
// - handed: the server may have accepted it. `failed` with `reviewAt` and the reason, never
//   re-sent automatically; a person re-queues or dismisses it (Sending → Outbox, or the API).
// Taking a claim back is safe even from a worker that is only slow: its mark is conditional on
// still holding the claim (record.ts), so it finds the claim gone and abandons the send before
// the end of DATA.
import type { Logger } from 'pino';
import type { Sql } from './sql.js';

/** Heartbeats missed before a worker is taken for dead. */
export const DEAD_AFTER = 5;

export type Resolution = 'requeued' | 'review';

export class Recovery {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly workerId: string,
    private readonly o: {
      heartbeatMs: number;
      leaseMs: number;
      logger: Logger;
      /** Enqueues fresh email.send jobs for rows put back in the queue. */
      requeue: (ids: string[]) => Promise<void>;
    },
  ) {}

  /** How long a silent worker takes to be judged dead. */
  get deadAfterMs(): number {
    return this.o.heartbeatMs * DEAD_AFTER;
  }

  /** Registers this worker (before it claims anything) and starts heartbeat and sweep. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.sweeping ??= this.beat()
        .then(async () => void (await this.sweep()))
        .catch((err: unknown) => this.o.logger.warn({ err }, 'send recovery sweep failed'))
        .finally(() => (this.sweeping = null));
    }, this.o.heartbeatMs);
  }

  private async beat(): Promise<void> {
    await this.sql.execute(
      `INSERT INTO "SendWorker" (id, "seenAt") VALUES ($1, now())
       ON CONFLICT (id) DO UPDATE SET "seenAt" = now()`,
      [this.workerId],
    );
  }

  /** Resolves every orphaned claim (any worker's); returns how many of each kind. */
  async sweep(): Promise<{ requeued: number; review: number }> {
    const rows = await this.resolve(null, false);
    const requeued = rows.filter((r) => r.status === 'queued').map((r) => r.id);
    if (requeued.length) await this.o.requeue(requeued);
    const review = rows.length - requeued.length;
    if (rows.length)
      this.o.logger.warn(
        { requeued: requeued.length, review },
        'claims of a stopped worker resolved: never handed over -> re-queued, handed -> needs review',
      );
    // Workers gone long ago: their rows are no longer needed to judge anything.
    await this.sql.execute(
      `DELETE FROM "SendWorker" WHERE "seenAt" < now() - make_interval(secs => $1::float8 / 1000)`,
      [Math.max(this.o.leaseMs, this.deadAfterMs) * 2],
    );
    return { requeued: requeued.length, review };
  }

  /**
   * Resolves one message found `sending` by a job (null when its worker is alive and the claim
   * within its lease: ask again later). `ownerGone`: the claim is this process's own, from an
   * attempt that already ended.
   */
  async resolveOne(id: string, ownerGone: boolean): Promise<Resolution | null> {
    const [row] = await this.resolve(id, ownerGone);
    if (!row) return null;
    return row.status === 'queued' ? 'requeued' : 'review';
  }

  private resolve(id: string | null, ownerGone: boolean) {
    return this.sql.query<{ id: string; status: string }>(
      `WITH orphan AS (
        SELECT m.id FROM "Message" m
        WHERE m.status = 'sending' AND ($1::uuid IS NULL OR m.id = $1::uuid)
          AND ($2::boolean
            OR m."claimedAt" < now() - make_interval(secs => $3::float8 / 1000)
            OR NOT EXISTS (SELECT 1 FROM "SendWorker" w WHERE w.id = m."claimedBy"
                           AND w."seenAt" > now() - make_interval(secs => $4::float8 / 1000)))
        ORDER BY m."claimedAt"
        LIMIT 1000
        FOR UPDATE OF m SKIP LOCKED
      )
      UPDATE "Message" m SET
        status = (CASE WHEN m."handedAt" IS NULL THEN 'queued' ELSE 'failed' END)::"MessageStatus",
        attempts = CASE WHEN m."handedAt" IS NULL THEN greatest(m.attempts - 1, 0) ELSE m.attempts END,
        "claimedAt" = CASE WHEN m."handedAt" IS NULL THEN NULL ELSE m."claimedAt" END,
        "claimedBy" = CASE WHEN m."handedAt" IS NULL THEN NULL ELSE m."claimedBy" END,
        "reviewAt" = CASE WHEN m."handedAt" IS NULL THEN NULL ELSE now() END,
        "lastError" = CASE WHEN m."handedAt" IS NULL
          THEN 'returned to the queue: worker ' || coalesce(m."claimedBy", '?') || ' stopped before handing it to SMTP'
          ELSE 'ambiguous: handed to SMTP at ' || to_char(m."handedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            || ' by worker ' || coalesce(m."claimedBy", '?')
            || ', which stopped before the answer was recorded; not re-sent (at most once), needs review' END,
        "updatedAt" = now()
      FROM orphan o WHERE m.id = o.id
      RETURNING m.id::text, m.status::text`,
      [id, ownerGone, this.o.leaseMs, this.deadAfterMs],
    );
  }

  /** Stops heartbeat and sweep and removes this worker's row (its claims are all finished). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
    await this.sql
      .execute(`DELETE FROM "SendWorker" WHERE id = $1`, [this.workerId])
      .catch(() => undefined);
  }
}
