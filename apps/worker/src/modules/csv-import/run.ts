// One run of an import on this worker: claim it, read its file from Postgres chunk by chunk,
// parse and validate every row (prepareRow), and commit batches of `batchRows` rows (batch.ts)
// while the next batch is parsed. A resumed run parses from the start but skips every line up to
// the committed position, so it goes on exactly where the last commit left off.
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Db, TriggerType } from '@kindling/db';
import { enrollEach, planBulkEnroll, type BulkEnrollPlan } from '@kindling/campaigns';
import { csvLine, fastUuidV7, prepareRow } from '@kindling/leads';
import { DEFAULT_JOB_OPTIONS } from '@kindling/queue';
import { ClaimLost, commitBatch, ensureStage, type Batch, type Enrollments } from './batch.js';
import { claimImport, failImport, releaseImport, type ClaimedImport } from './claim.js';

export interface RunContext {
  db: Db;
  pool: Pool;
  logger: Logger;
  workerId: string;
  batchRows: number;
  deadAfterMs: number;
  /** True once the worker is shutting down: the run stops after the batch in flight. */
  stopping: () => boolean;
}

/** done: imported (or failed for good); busy: another live worker holds it; stopped: released. */
export type RunOutcome = 'done' | 'busy' | 'stopped';

/** Claims past the retry policy's attempts fail the import instead of trying forever. */
const MAX_CLAIMS = DEFAULT_JOB_OPTIONS.attempts;

/** Runs (or resumes) one import to its end, or until shutdown asks it to stop. */
export async function runImport(ctx: RunContext, importId: string): Promise<RunOutcome> {
  const claimed = await claimImport(ctx.pool, importId, ctx.workerId, ctx.deadAfterMs);
  if (!claimed) return 'busy';
  if (claimed.claims > MAX_CLAIMS) {
    await failImport(
      ctx.pool,
      importId,
      'The import stopped after repeated errors; leads merged so far are kept. Upload the file again to finish.',
    );
    ctx.logger.error({ importId, claims: claimed.claims }, 'lead import failed for good');
    return 'done';
  }
  const client = await ctx.pool.connect();
  let broken = false;
  try {
    await ensureStage(client);
    const outcome = await importRows(ctx, client, claimed);
    if (outcome === 'stopped') await releaseImport(ctx.pool, importId, ctx.workerId);
    return outcome;
  } catch (err) {
    if (err instanceof ClaimLost) {
      ctx.logger.warn({ importId }, 'lead import taken over by another worker; stopping here');
      return 'busy';
    }
    broken = true;
    await releaseImport(ctx.pool, importId, ctx.workerId).catch(() => undefined);
    throw err;
  } finally {
    client.release(broken);
  }
}

/** The file's bytes in order, a few chunks per query. */
async function* fileChunks(pool: Pool, importId: string): AsyncGenerator<Buffer> {
  let next = 0;
  for (;;) {
    const { rows } = await pool.query<{ seq: number; data: Buffer }>(
      `SELECT seq, data FROM "LeadImportChunk" WHERE "importId" = $1 AND seq >= $2 ORDER BY seq LIMIT 2`,
      [importId, next],
    );
    if (rows.length === 0) return;
    for (const r of rows) {
      yield r.data;
      next = r.seq + 1;
    }
  }
}

/** The campaigns the import enrolls into: the chosen one, and those its triggers match. */
async function enrollmentsOf(
  db: Db,
  s: ClaimedImport,
): Promise<Enrollments & { each: { plan: BulkEnrollPlan; source: TriggerType }[] }> {
  const triggered = await db.campaign.findMany({
    where: {
      workspaceId: s.workspaceId,
      status: 'active',
      triggers: {
        some: {
          OR: [
            { type: 'csv_import' },
            ...(s.tag ? [{ type: 'tag_added' as const, tag: s.tag }] : []),
          ],
        },
      },
    },
    select: { id: true, triggers: { select: { type: true } } },
  });
  const targets = new Map<string, TriggerType>();
  if (s.campaignId) targets.set(s.campaignId, 'csv_import');
  for (const c of triggered) {
    const byCsv = c.triggers.some((t) => t.type === 'csv_import');
    if (!targets.has(c.id)) targets.set(c.id, byCsv ? 'csv_import' : 'tag_added');
  }
  const bulk: Enrollments['bulk'] = [];
  const each: Enrollments['bulk'] = [];
  for (const [campaignId, source] of targets) {
    const plan = await planBulkEnroll(db, { workspaceId: s.workspaceId, campaignId });
    if (plan) (plan.perLead ? each : bulk).push({ plan, source });
  }
  return { bulk, each, any: bulk.length + each.length > 0 };
}

const emptyBatch = (): Batch => ({
  copy: '',
  staged: 0,
  rowsRead: 0,
  rejected: 0,
  report: '',
  lastLine: 0,
  final: false,
});

async function importRows(
  ctx: RunContext,
  client: PoolClient,
  s: ClaimedImport,
): Promise<RunOutcome> {
  const enroll = await enrollmentsOf(ctx.db, s);
  const run = { importId: s.id, workspaceId: s.workspaceId, workerId: ctx.workerId };
  // Two chunks read ahead at most (about 2 MiB): the file never sits in memory.
  const source = Readable.from(fileChunks(ctx.pool, s.id), { highWaterMark: 2 });
  const parser = source.pipe(
    parse({
      bom: true,
      delimiter: s.delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
    }),
  );
  // Records the parser could not read arrive ahead of the records before them; each goes to the
  // batch whose last line is at or after its line.
  const skipped: { line: number; text: string }[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    const line = err.lines ?? 0;
    if (line <= s.committedLine) return;
    skipped.push({
      line,
      text: csvLine([String(err.lines ?? '?'), '(row)', `is not valid CSV: ${err.message}`, '']),
    });
  });
  let committedLine = s.committedLine;
  let inFlight: Promise<void> | null = null;
  let batches = 0;
  const commit = (batch: Batch) => {
    for (; skipped.length && (batch.final || skipped[0]!.line <= batch.lastLine);) {
      const skip = skipped.shift()!;
      batch.rejected++;
      batch.report += skip.text;
      batch.lastLine = Math.max(batch.lastLine, skip.line);
    }
    const from = committedLine;
    committedLine = batch.lastLine;
    return commitBatch(client, run, from, batch, enroll).then(async ({ leadIds }) => {
      batches++;
      await afterCommit(ctx, client, s, enroll, leadIds, batches);
    });
  };
  const wait = async () => {
    if (inFlight) await inFlight;
    inFlight = null;
  };
  let batch = emptyBatch();
  let header = true;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { records: number; lines: number };
    }>) {
      if (header) {
        header = false;
        continue;
      }
      const line = item.info.lines;
      if (line <= s.committedLine) continue;
      batch.rowsRead++;
      batch.lastLine = line;
      const rowNumber = item.info.records;
      const out = prepareRow(item.record, s.columns, s.mapping, rowNumber, s.tag);
      if ('line' in out) {
        batch.staged++;
        batch.copy += `${fastUuidV7(Date.now())},${out.line}`;
      } else {
        batch.rejected++;
        for (const p of out.problems)
          batch.report += csvLine([String(rowNumber), p.column, p.reason, p.value]);
      }
      if (batch.rowsRead >= ctx.batchRows) {
        await wait();
        if (ctx.stopping()) return 'stopped';
        inFlight = commit(batch);
        inFlight.catch(() => undefined);
        batch = emptyBatch();
      }
    }
    await wait();
    batch.final = true;
    if (batch.lastLine < committedLine) batch.lastLine = committedLine;
    await commit(batch);
    return 'done';
  } finally {
    await inFlight?.catch(() => undefined);
    parser.destroy();
    source.destroy();
  }
}

/**
 * After a commit: campaigns that must enroll one lead at a time (outside the batch transaction;
 * enrollment is idempotent, so a resumed batch enrolls no one twice), and fresh planner
 * statistics while the tables grow (batches 1, 2, 4, 8, ...), so the enrollment's anti-join
 * keeps using its index.
 */
async function afterCommit(
  ctx: RunContext,
  client: PoolClient,
  s: ClaimedImport,
  enroll: Awaited<ReturnType<typeof enrollmentsOf>>,
  leadIds: string[],
  batches: number,
): Promise<void> {
  if (!enroll.any) return;
  let enrolled = 0;
  for (const { plan, source } of enroll.each) {
    enrolled += await enrollEach(ctx.db, plan, {
      workspaceId: s.workspaceId,
      leadIds,
      source,
    });
  }
  if (enrolled)
    await ctx.pool.query(`UPDATE "LeadImport" SET enrolled = enrolled + $2 WHERE id = $1`, [
      s.id,
      enrolled,
    ]);
  if ((batches & (batches - 1)) === 0) await client.query('ANALYZE "Lead", "Enrollment"');
}
