// The daily DNS re-check as the worker runs it: the dns.recheck scheduler's job checks an identity
// never checked before against a real DNS server (dnsmasq on the worker's DNS_RESOLVER) and stores
// the verdicts; a fresh check is left alone until it is a day old.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { QUEUES, createWorkerRedis } from '@kindling/queue';
import { startWorker, type RunningWorker } from '../worker.js';
import { dnsHealthModule } from './dns-health.js';
import { until } from '../../test/support/testing-sending.js';
import { startDnsmasq, type Dnsmasq } from '../../../../test/support/dnsmasq.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const run = randomUUID().slice(0, 8);
const prefix = `test-dns-${run}`;
const zone = `w${run}.test`;
let worker: RunningWorker;
let dns: Dnsmasq;
let workspaceId: string;

beforeAll(async () => {
  dns = await startDnsmasq({
    txt: { [zone]: 'v=spf1 mx -all', [`_dmarc.${zone}`]: 'v=DMARC1; p=none' },
    mx: { [zone]: [`in.${zone}`] },
    local: [zone],
  });
  workspaceId = (await db.workspace.create({ data: { name: 'dns recheck' } })).id;
});

afterAll(async () => {
  await worker?.close();
  const q = new Queue(QUEUES.dns, { connection: redis, prefix });
  await q.obliterate({ force: true });
  await q.close();
  await dns?.stop();
  await db.workspace.deleteMany({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

it('checks identities without a recent check and stores each verdict', async () => {
  const fresh = await db.sendingIdentity.create({
    data: {
      workspaceId,
      name: 'fresh',
      fromName: 'F',
      fromEmail: `a@${zone}`,
      returnPathDomain: zone,
    },
  });
  const never = await db.sendingIdentity.create({
    data: {
      workspaceId,
      name: 'never',
      fromName: 'N',
      fromEmail: `b@${zone}`,
      returnPathDomain: zone,
    },
  });
  const recent = new Date();
  await db.identityDnsCheck.create({
    data: { identityId: fresh.id, workspaceId, status: 'pass', checks: [], checkedAt: recent },
  });
  worker = await startWorker({
    db,
    redis,
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 1,
    modules: [dnsHealthModule],
    config: {
      appSecret: 'd'.repeat(40),
      publicUrl: `http://app.${zone}`,
      trackingUrl: 'http://localhost:3001',
      sending: { devSmtpPort: 0, dnsServers: [dns.server], inboundMxHost: `in.${zone}` },
    },
  });
  const row = await until('the never-checked identity checked', () =>
    db.identityDnsCheck.findUnique({ where: { identityId: never.id } }),
  );
  const checks = row.checks as { kind: string; status: string }[];
  expect(Object.fromEntries(checks.map((c) => [c.kind, c.status]))).toEqual({
    spf: 'pass', // no relay (dev mail catcher): the record itself is fine
    dkim: 'fail', // no key
    dmarc: 'warn', // p=none
    return_path_mx: 'pass', // points at INBOUND_MX_HOST
    tracking: 'skipped',
  });
  expect(row.status).toBe('fail');
  expect(row.failingSince).not.toBeNull();
  // Checked a moment ago: left alone.
  const still = await db.identityDnsCheck.findUniqueOrThrow({ where: { identityId: fresh.id } });
  expect(still.checkedAt.getTime()).toBe(recent.getTime());
});
