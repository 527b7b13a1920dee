import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '@kindling/db';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { QUEUE_PREFIX } from '@kindling/queue';
import type { Closable, WorkerConfig, WorkerContext, WorkerModule } from './context.js';
import { MODULES } from './modules/index.js';
import { startDevMailCatcher } from './modules/dev-mail-catcher.js';

export interface WorkerDeps {
  db: Db;
  /** BullMQ connection (maxRetriesPerRequest: null). */
  redis: Redis;
  logger: Logger;
  concurrency: number;
  config: WorkerConfig;
  /** BullMQ key prefix; tests give each run its own. */
  prefix?: string;
  /** Modules to run; all of them by default. */
  modules?: WorkerModule[];
}

export interface RunningWorker {
  registry: Registry;
  /** Closes what modules started, last started first; connections stay the caller's. */
  close: () => Promise<void>;
}

/**
 * Starts the dev mail catcher, then every worker module (BullMQ consumers, schedulers,
 * listeners); each module gets the catcher's address in its context.
 */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kindling_worker_' });
  const finished = new Counter({
    name: 'kindling_worker_jobs_total',
    help: 'Jobs finished by queue, job name and outcome',
    labelNames: ['queue', 'job', 'outcome'] as const,
    registers: [registry],
  });
  const catcher = await startDevMailCatcher(deps);
  const ctx: WorkerContext = {
    devCatcher: { host: catcher.host, port: catcher.port },
    db: deps.db,
    redis: deps.redis,
    logger: deps.logger,
    registry,
    prefix: deps.prefix ?? QUEUE_PREFIX,
    concurrency: deps.concurrency,
    config: deps.config,
    observe: (w: Worker) => {
      w.on('completed', (job) =>
        finished.inc({ queue: w.name, job: job.name, outcome: 'completed' }),
      );
      w.on('failed', (job, err) => {
        finished.inc({ queue: w.name, job: job?.name ?? 'unknown', outcome: 'failed' });
        deps.logger.error({ err, jobId: job?.id, job: job?.name }, 'job failed');
      });
      w.on('error', (err) => deps.logger.error({ err, queue: w.name }, 'worker error'));
    },
  };
  // The catcher first, so it is closed last: modules may still be sending to it while closing.
  const started: Closable[][] = [[catcher]];
  const close = async () => {
    // Workers of every module first (they finish active jobs), then the rest.
    for (const group of started.reverse()) {
      for (const c of group) await c.close();
    }
  };
  try {
    for (const mod of deps.modules ?? MODULES) started.push(await mod(ctx));
  } catch (err) {
    await close();
    throw err;
  }
  return { registry, close };
}
