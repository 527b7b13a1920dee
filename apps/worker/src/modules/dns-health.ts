// Sending-domain DNS health, re-checked daily: an hourly dns.recheck job checks every identity
// whose last check is a day old (or that has none) and stores the results (packages/sending
// dns/identity-health.ts). The api's "Check DNS" button runs the same check on demand.
import { Worker } from 'bullmq';
import { JOBS, QUEUES, queueFor } from '@kindling/queue';
import { createDnsResolver, recheckStaleIdentities, type DnsHealthDeps } from '@kindling/sending';
import type { WorkerContext, WorkerModule } from '../context.js';
import { sendingSettings } from './sending-settings.js';

const DAY = 86_400_000;

/** What the checks need, from the worker's settings. */
export function dnsHealthDeps(ctx: WorkerContext): DnsHealthDeps {
  const s = sendingSettings(ctx.config.sending, ctx.config.publicUrl);
  let trackingHost: string | null = null;
  try {
    trackingHost = new URL(ctx.config.trackingUrl).hostname || null;
  } catch {
    /* none */
  }
  return {
    resolver: createDnsResolver(s.dnsServers),
    appSecret: ctx.config.appSecret,
    returnPathDomain: s.returnPathDomain,
    inboundMxHost: s.inboundMxHost,
    trackingHost,
  };
}

/** Consumes QUEUES.dns: dns.recheck, scheduled hourly. */
export const dnsHealthModule: WorkerModule = async (ctx) => {
  const { db, redis: connection, prefix, logger } = ctx;
  const deps = dnsHealthDeps(ctx);
  const queue = queueFor(QUEUES.dns, { connection, prefix });
  // Upserted by id: every worker process may declare it.
  await queue.upsertJobScheduler('dns-recheck', { every: 3600_000 }, { name: JOBS.dnsRecheck });
  const worker = new Worker(
    QUEUES.dns,
    async (job) => {
      if (job.name !== JOBS.dnsRecheck) throw new Error(`unknown job ${job.name}`);
      const checked = await recheckStaleIdentities(db, deps, { olderThanMs: DAY });
      if (checked) logger.info({ checked }, 'sending identities DNS re-checked');
      return { checked };
    },
    { connection, prefix, concurrency: 1 },
  );
  ctx.observe(worker);
  await worker.waitUntilReady();
  return [
    worker,
    {
      close: () => {
        deps.resolver.cancel();
        return Promise.resolve();
      },
    },
  ];
};
