// Test support (integration tests only): the real sending pipeline, i.e. the dev mail catcher
// and the email.send module, started through `startWorker` on the caller's Redis and
// prefix, so mail ends up as CaughtMessage rows in Postgres. Also the poll-with-a-deadline helper
// those tests wait with (no sleeps).
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import type { Db } from '@kindling/db';
import type { WorkerModule } from '../../src/context.js';
import { startWorker } from '../../src/worker.js';
import { emailSendModule } from '../../src/modules/email-send.js';

/** Polls `probe` until it returns something truthy; throws naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | false | null | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RunningSending {
  /** The real email.send BullMQ worker (tests pause/resume it to keep send jobs in Redis). */
  sendWorker: Worker;
  close: () => Promise<void>;
}

/** Starts the dev mail catcher and the real email.send processor on `redis` under `prefix`. */
export async function startSending(o: {
  db: Db;
  redis: Redis;
  prefix: string;
  concurrency?: number;
}): Promise<RunningSending> {
  const captured: { worker?: Worker } = {};
  // The module itself, unchanged; only its BullMQ worker (listed first) is kept for the test.
  const sending: WorkerModule = async (ctx) => {
    const closables = await emailSendModule(ctx);
    const first = closables[0];
    if (!(first instanceof Worker))
      throw new Error('emailSendModule no longer lists its Worker first');
    captured.worker = first;
    return closables;
  };
  const running = await startWorker({
    db: o.db,
    redis: o.redis,
    prefix: o.prefix,
    logger: pino({ level: 'silent' }),
    concurrency: o.concurrency ?? 2,
    modules: [sending],
    config: {
      appSecret: 'r'.repeat(40),
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      sending: { devSmtpPort: 0, throttlePrefix: `${o.prefix}:thr` },
    },
  });
  return { sendWorker: captured.worker!, close: running.close };
}
