// A mailto one-click unsubscribe (List-Unsubscribe: <mailto:unsubscribe+<token>@...>) through the
// worker's real inbound SMTP listener, sent by nodemailer, against real Postgres: the recipient
// is unsubscribed by the one rule (@kindling/leads unsubscribe), enrollments included.
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { createWorkerRedis } from '@kindling/queue';
import { verpTokenFor } from '@kindling/sending';
import type { Closable, WorkerContext } from '../context.js';
import { inboundSmtpModule } from './inbound-smtp.js';

const secret = 'inbound-unsubscribe-secret-0123456789abcdef';
const db = createDb(process.env.DATABASE_URL!, { poolSize: 4 });
const redis = createWorkerRedis(process.env.REDIS_URL!);
let closables: Closable[] = [];
let port: number;
let workspaceId: string;

beforeAll(async () => {
  workspaceId = (await db.workspace.create({ data: { name: `mailto-${randomUUID()}` } })).id;
  const ctx: WorkerContext = {
    db,
    redis,
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    prefix: `test:${randomUUID()}`,
    concurrency: 1,
    // Nothing here sends mail: no catcher listens at this address.
    devCatcher: { host: '127.0.0.1', port: 0 },
    config: {
      appSecret: secret,
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      sending: { inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1' },
    },
    observe: () => undefined,
  };
  closables = await inboundSmtpModule(ctx);
  port = (closables[0] as unknown as { port: number }).port;
});

afterAll(async () => {
  for (const c of closables) await c.close();
  await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

it('a mailto unsubscribe exits the enrollments, suppresses the address and records one event', async () => {
  const lead = await db.lead.create({
    data: { workspaceId, email: `m-${randomUUID().slice(0, 8)}@example.test` },
  });
  const campaign = await db.campaign.create({
    data: { workspaceId, name: 'Drip', status: 'active' },
  });
  const enrollment = await db.enrollment.create({
    data: { workspaceId, campaignId: campaign.id, leadId: lead.id, nextRunAt: new Date() },
  });
  const message = await db.message.create({
    data: {
      workspaceId,
      leadId: lead.id,
      enrollmentId: enrollment.id,
      toEmail: lead.email,
      subject: 'Hi',
      messageIdHeader: `<${randomUUID()}@test>`,
      status: 'sent',
      sentAt: new Date(),
    },
  });
  const to = `unsubscribe+${verpTokenFor(secret, message.id)}@kindling.test`;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true });
  try {
    // A mail client sends the same request twice (a retry): it is recorded once.
    for (let i = 0; i < 2; i++)
      await transport.sendMail({
        envelope: { from: lead.email, to: [to] },
        raw: `From: <${lead.email}>\r\nTo: <${to}>\r\nSubject: unsubscribe\r\n\r\nunsubscribe\r\n`,
      });
  } finally {
    transport.close();
  }
  expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('unsubscribed');
  expect(
    await db.suppression.findUnique({
      where: { workspaceId_email: { workspaceId, email: lead.email } },
    }),
  ).toMatchObject({ reason: 'unsubscribe', detail: 'mailto unsubscribe' });
  expect(await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).toMatchObject({
    status: 'exited',
    exitReason: 'unsubscribed',
    nextRunAt: null,
  });
  const events = await db.trackingEvent.findMany({
    where: { workspaceId, type: 'unsubscribe', messageId: message.id },
  });
  expect(events).toMatchObject([{ leadId: lead.id, detail: { method: 'mailto' } }]);
});
