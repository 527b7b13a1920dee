// Who runs an import: a claim in its LeadImport row (`workerId`, `heartbeatAt`). A worker claims
// an import that no one holds or whose holder has not beaten for `deadAfterMs` (killed, OOM, host
// lost), beats while it runs, and releases it when it stops early. Every batch commit is
// conditional on still holding the claim at the expected position (batch.ts), so two workers
// never both commit a batch. The sweep hands every running import that no live worker beats for
// to the queue again, whatever Redis lost.
import type { Pool } from 'pg';

/** A claimed import: what the run needs, with the position to resume from. */
export interface ClaimedImport {
  id: string;
  workspaceId: string;
  delimiter: string;
  columns: string[];
  mapping: string[];
  tag: string | null;
  campaignId: string | null;
  committedLine: number;
  claims: number;
}

const interval = (param: string) => `make_interval(secs => ${param}::float8 / 1000)`;

/** Claims a running import for this worker; null when another live worker holds it. */
export async function claimImport(
  pool: Pool,
  id: string,
  workerId: string,
  deadAfterMs: number,
): Promise<ClaimedImport | null> {
  const { rows } = await pool.query<ClaimedImport>(
    `UPDATE "LeadImport" SET "workerId" = $2, "heartbeatAt" = now(), claims = claims + 1
     WHERE id = $1 AND status = 'running'
       AND ("workerId" IS NULL OR "heartbeatAt" IS NULL OR "heartbeatAt" < now() - ${interval('$3')})
     RETURNING id::text, "workspaceId"::text, delimiter, columns, mapping, tag, "campaignId"::text,
               "committedLine", claims`,
    [id, workerId, deadAfterMs],
  );
  return rows[0] ?? null;
}

/**
 * Gives the claim up (a stop between batches, an error): the next job claims it at once. The
 * heartbeat is left as it is, so the sweep hands the import on if no job does.
 */
export async function releaseImport(pool: Pool, id: string, workerId: string): Promise<void> {
  await pool.query(`UPDATE "LeadImport" SET "workerId" = NULL WHERE id = $1 AND "workerId" = $2`, [
    id,
    workerId,
  ]);
}

/** Marks an import failed for good (past its claims); the leads merged so far stay. */
export async function failImport(pool: Pool, id: string, error: string): Promise<void> {
  await pool.query(
    `UPDATE "LeadImport" SET status = 'failed', error = $2, "workerId" = NULL, "finishedAt" = now()
     WHERE id = $1 AND status = 'running'`,
    [id, error],
  );
  await pool.query(`DELETE FROM "LeadImportChunk" WHERE "importId" = $1`, [id]);
}

/**
 * Beats for the imports this worker runs. A row locked by its own batch transaction is skipped
 * (that commit beats), so the beat never waits behind a batch.
 */
export async function beat(pool: Pool, ids: string[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `UPDATE "LeadImport" l SET "heartbeatAt" = now()
     FROM (SELECT id FROM "LeadImport" WHERE id = ANY($1::uuid[]) AND "workerId" = $2
           FOR UPDATE SKIP LOCKED) mine
     WHERE l.id = mine.id`,
    [ids, workerId],
  );
}

/**
 * Running imports no live worker beats for (its worker died, or the job never reached one),
 * each with its last heartbeat: the hand-over's name, so repeated sweeps enqueue it once.
 */
export async function orphanedImports(
  pool: Pool,
  deadAfterMs: number,
): Promise<{ id: string; beat: string }[]> {
  const { rows } = await pool.query<{ id: string; beat: string }>(
    `SELECT id::text, coalesce((extract(epoch FROM "heartbeatAt") * 1000)::bigint, 0)::text AS beat
     FROM "LeadImport"
     WHERE status = 'running' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < now() - ${interval('$1')})
     ORDER BY "heartbeatAt" NULLS FIRST LIMIT 100`,
    [deadAfterMs],
  );
  return rows;
}

/** Imports (with their file and report) older than the retention; returns how many. */
export async function purgeOldImports(pool: Pool, retentionMs: number): Promise<number> {
  const r = await pool.query(
    `DELETE FROM "LeadImport" WHERE "createdAt" < now() - ${interval('$1')}`,
    [retentionMs],
  );
  return r.rowCount ?? 0;
}
