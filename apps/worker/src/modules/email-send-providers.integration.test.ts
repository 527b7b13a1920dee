// Per-provider caps for company domains: a recipient domain whose MX is Google's (Workspace)
// counts against the plan's gmail share once its MX has been learned, through the real email.send
// module, a real DNS server (dnsmasq on loopback, the worker's DNS_RESOLVER) and Postfix smtp-sink.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { QUEUES, createWorkerRedis, enqueueEmailSend } from '@kindling/queue';
import { encryptSecret, newMessageIdHeader } from '@kindling/sending';
import { startWorker, type RunningWorker } from '../worker.js';
import { emailSendModule } from './email-send.js';
import { until } from '../../test/support/testing-sending.js';
import { startSmtpSink, type SmtpSink } from '../../../../test/support/smtp-sink.js';
import { startDnsmasq, type Dnsmasq } from '../../../../test/support/dnsmasq.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const run = randomUUID().slice(0, 8);
const prefix = `test-mxp-${run}`;
const secret = 'm'.repeat(40);
const corp = `corp-${run}.test`;
let worker: RunningWorker;
let queue: Queue;
let sink: SmtpSink;
let dns: Dnsmasq;
let workspaceId: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  dns = await startDnsmasq({ mx: { [corp]: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'] } });
  workspaceId = (await db.workspace.create({ data: { name: 'providers by MX' } })).id;
  worker = await startWorker({
    db,
    redis,
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 2,
    modules: [emailSendModule],
    config: {
      appSecret: secret,
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      egress: { allow: `127.0.0.1:${sink.port}` },
      sending: {
        devSmtpPort: 0,
        holdRecheckMs: 60_000,
        // One window a day: only the daily caps count.
        throttleWindowMs: 86_400_000,
        throttlePrefix: `${prefix}:thr`,
        dnsServers: [dns.server],
      },
    },
  });
  queue = new Queue(QUEUES.email, { connection: redis, prefix });
});

afterAll(async () => {
  await worker?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await sink?.stop();
  await dns?.stop();
  await db.mailDomainProvider.deleteMany({ where: { domain: corp } });
  await db.workspace.deleteMany({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

it("a company domain hosted by Google counts against the plan's gmail cap once its MX is known", async () => {
  const pool = `mx-${run}`;
  const identity = await db.sendingIdentity.create({
    data: {
      workspaceId,
      name: 'mx',
      fromName: 'MX',
      fromEmail: `news@${pool}.example`,
      ipPool: pool,
      smtpUrlEncrypted: encryptSecret(secret, sink.url),
    },
  });
  // 1000 a day in all, of which gmail may take 0.1%: one message.
  await db.warmupPlan.create({
    data: {
      workspaceId,
      scope: 'ip_pool',
      key: pool,
      startVolume: 1000,
      sendStartHour: 0,
      sendEndHour: 24,
      providerCaps: { gmail: 0.001 },
    },
  });
  const send = async (local: string) => {
    const m = await db.message.create({
      data: {
        workspaceId,
        kind: 'test',
        identityId: identity.id,
        toEmail: `${local}@${corp}`,
        subject: 'hi',
        html: '<p>hi</p>',
        messageIdHeader: newMessageIdHeader('mx.example'),
      },
    });
    await enqueueEmailSend(queue, m.id);
    return m.id;
  };
  const row = (id: string) => db.message.findUniqueOrThrow({ where: { id } });

  // The first message to the domain is sent as `other` (nothing waits for DNS) and starts the lookup.
  const first = await send('first');
  await until('the first message sent', async () => (await row(first)).status === 'sent');
  const learned = await until('the MX of the domain learned', () =>
    db.mailDomainProvider.findUnique({ where: { domain: corp } }),
  );
  expect(learned).toMatchObject({
    provider: 'gmail',
    mxHosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'],
  });

  // Now the domain is Google's: one more fits the gmail share, the next is held at it.
  const ids = [await send('a'), await send('b')];
  const settled = await until('one sent and one held', async () => {
    const rows = await Promise.all(ids.map(row));
    const sent = rows.filter((r) => r.status === 'sent');
    const held = rows.filter((r) => r.status === 'held');
    return sent.length === 1 && held.length === 1 ? { held: held[0]! } : null;
  });
  expect(settled.held.lastError).toBe('held: gmail daily cap 1 reached');
});
