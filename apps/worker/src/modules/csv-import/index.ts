// CSV import worker: consumes leads.import jobs (enqueued by the api once an upload has a mapping)
// and runs each import (run.ts) in batches committed with their position (batch.ts). Crash
// safety (claim.ts): a claim per import with a heartbeat; a killed worker's import is taken over
// by the next job for it, which comes from BullMQ's stalled-job recovery or, sooner, from the
// sweep every worker runs each `heartbeatMs` (an import no live worker beats for within
// `heartbeatMs` x DEAD_AFTER is enqueued again). On shutdown a run stops after its batch in
// flight and hands the import to the queue, so another worker goes on from there.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import pg from 'pg';
import {
  JOBS,
  QUEUES,
  enqueueLeadsImport,
  importsQueue,
  leadsImportPayload,
} from '@kindling/queue';
import type { CsvImportSettings, WorkerModule } from '../../context.js';
import { beat, orphanedImports, purgeOldImports } from './claim.js';
import { runImport, type RunContext } from './run.js';

export const DEFAULT_CSV_IMPORT_SETTINGS: CsvImportSettings = {
  databaseUrl: null,
  batchRows: 20_000,
  heartbeatMs: 2_000,
  concurrency: 1,
};

/** Heartbeats missed before an import's worker is taken for dead. */
export const DEAD_AFTER = 5;
/** Imports (file, report, counts) are kept this long after their upload. */
const RETENTION_MS = 7 * 24 * 3600_000;
const PURGE_EVERY_MS = 3600_000;

export const csvImportModule: WorkerModule = async (ctx) => {
  const s = { ...DEFAULT_CSV_IMPORT_SETTINGS, ...ctx.config.imports };
  if (!s.databaseUrl) {
    ctx.logger.warn('csv-import module off: no database URL for its COPY connections');
    return [];
  }
  const { redis: connection, prefix, logger } = ctx;
  const pool = new pg.Pool({ connectionString: s.databaseUrl, max: s.concurrency * 2 + 1 });
  pool.on('error', (err) => logger.warn({ err }, 'csv-import connection error'));
  const queue = importsQueue({ connection, prefix });
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const deadAfterMs = s.heartbeatMs * DEAD_AFTER;
  const running = new Set<string>();
  let stopping = false;
  const run: RunContext = {
    db: ctx.db,
    pool,
    logger,
    workerId,
    batchRows: s.batchRows,
    deadAfterMs,
    stopping: () => stopping,
  };

  const worker = new Worker(
    QUEUES.imports,
    async (job) => {
      if (job.name !== JOBS.leadsImport) throw new Error(`unknown job ${job.name}`);
      const { importId } = leadsImportPayload.parse(job.data);
      // A second job for an import this process already runs (a sweep, a stalled copy).
      if (running.has(importId)) return { outcome: 'busy' };
      running.add(importId);
      try {
        const outcome = await runImport(run, importId);
        if (outcome === 'stopped')
          await enqueueLeadsImport(queue, importId, `handoff-${Date.now()}`);
        return { outcome };
      } finally {
        running.delete(importId);
      }
    },
    { connection, prefix, concurrency: s.concurrency },
  );
  ctx.observe(worker);

  let lastPurge = 0;
  const tick = async () => {
    await beat(pool, [...running], workerId);
    if (stopping) return;
    for (const o of await orphanedImports(pool, deadAfterMs)) {
      if (running.has(o.id)) continue;
      await enqueueLeadsImport(queue, o.id, `resume-${o.beat}`);
      logger.warn({ importId: o.id }, 'lead import without a live worker handed to the queue');
    }
    if (Date.now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = Date.now();
      const purged = await purgeOldImports(pool, RETENTION_MS);
      if (purged) logger.info({ purged }, 'old lead imports purged');
    }
  };
  let ticking: Promise<void> | null = null;
  const timer = setInterval(() => {
    ticking ??= tick()
      .catch((err: unknown) => logger.warn({ err }, 'csv-import heartbeat or sweep failed'))
      .finally(() => (ticking = null));
  }, s.heartbeatMs);
  await worker.waitUntilReady();

  return [
    {
      // Runs stop after their batch in flight and hand their import on; then the worker closes.
      close: async () => {
        stopping = true;
        await worker.close();
        clearInterval(timer);
        await ticking;
      },
    },
    // The queue is the connection's (packages/queue queueFor): it stays open.
    { close: () => pool.end() },
  ];
};
