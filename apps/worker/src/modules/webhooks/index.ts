// The webhooks module: the outbox dispatcher (dispatch.ts: events -> deliveries, every pollMs),
// the repair pass (pending deliveries whose job is gone), and the `webhook.deliver` consumer
// (deliver.ts: one attempt per job, retries on WEBHOOK_RETRY_SCHEDULE_MS, auto-disable in
// disable.ts). Attempts are BullMQ jobs on QUEUES.webhooks; Postgres holds each delivery's state,
// so at least once survives a lost Redis or a dead worker.
import { Worker } from 'bullmq';
import { createEgressGuard } from '@kindling/egress';
import {
  QUEUES,
  WEBHOOK_RETRY_SCHEDULE_MS,
  emailQueue,
  queueFor,
  sendsTo,
  type WebhookDeliverPayload,
} from '@kindling/queue';
import type { WebhookSettings, WorkerModule } from '../../context.js';
import { deliverWebhook } from './deliver.js';
import { dispatchWebhookEvents, repairWebhookDeliveries } from './dispatch.js';

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  pollMs: 500,
  repairMs: 30_000,
  repairGraceMs: 60_000,
  retryScheduleMs: WEBHOOK_RETRY_SCHEDULE_MS,
  timeoutMs: 10_000,
  endpointConcurrency: 8,
  concurrency: 64,
  disableAfterFailures: 20,
  disableAfterMs: 5 * 86_400_000,
  lockMs: 30_000,
};

export const webhooksModule: WorkerModule = async (ctx) => {
  const settings: WebhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS, ...ctx.config.webhooks };
  const { db, redis: connection, prefix } = ctx;
  const logger = ctx.logger.child({ module: 'webhooks' });
  const queue = queueFor(QUEUES.webhooks, { connection, prefix });
  const deps = {
    db,
    redis: connection,
    queue,
    guard: createEgressGuard(ctx.config.egress),
    logger,
    appSecret: ctx.config.appSecret,
    publicUrl: ctx.config.publicUrl,
    settings,
    enqueueSends: sendsTo(emailQueue({ connection, prefix })),
  };
  const worker = new Worker<WebhookDeliverPayload>(
    QUEUES.webhooks,
    (job, token) => deliverWebhook(deps, job, token),
    {
      connection,
      prefix,
      concurrency: settings.concurrency,
      lockDuration: settings.lockMs,
      stalledInterval: Math.max(500, Math.floor(settings.lockMs / 2)),
      maxStalledCount: 5,
    },
  );
  ctx.observe(worker);
  await worker.waitUntilReady();

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRepair = 0;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      // Drain the outbox in batches while there is a backlog.
      while (!stopped && (await dispatchWebhookEvents(db, queue)) > 0);
      if (!stopped && Date.now() - lastRepair >= settings.repairMs) {
        lastRepair = Date.now();
        const repaired = await repairWebhookDeliveries(db, queue, settings.repairGraceMs);
        if (repaired) logger.warn({ repaired }, 'webhook deliveries without a job re-enqueued');
      }
    } catch (err) {
      logger.error({ err }, 'webhook dispatch failed; retrying');
    }
    if (!stopped) timer = setTimeout(() => void (running = tick()), settings.pollMs);
  };
  running = tick();
  return [
    {
      close: async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
      },
    },
    worker,
    queue,
  ];
};
