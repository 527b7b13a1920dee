// email.send against a receiving server that answers like a mailbox provider (smtp-server from
// the registry, scripted per recipient with Gmail's real texts): what each answer does to the
// message, the lead, the identity and the provider back-off (packages/sending smtp-answers.ts).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { createWorkerRedis, emailQueue, enqueueEmailSend } from '@kindling/queue';
import { encryptSecret, newMessageIdHeader, setBackoff } from '@kindling/sending';
import { startWorker, type RunningWorker } from '../worker.js';
import { emailSendModule } from './email-send.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const prefix = `test-answers-${randomUUID().slice(0, 8)}`;
const secret = 'a'.repeat(40);

/** Recipient local part -> the answer to RCPT TO (none: accepted). */
const ANSWERS: Record<string, [number, string]> = {
  dmarc: [
    550,
    "5.7.26 Unauthenticated email from sender.example is not accepted due to domain's DMARC policy.",
  ],
  unknown: [550, '5.1.1 The email account that you tried to reach does not exist.'],
  full: [452, "4.2.2 The recipient's inbox is out of storage space."],
  rate: [
    421,
    '4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.',
  ],
};

let server: SMTPServer;
let port = 0;
let worker: RunningWorker;
let workspaceId = '';
const queue = emailQueue({ connection: redis, prefix });

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const answer = ANSWERS[address.address.split('@')[0]!.split('-')[0]!];
      if (!answer) return callback();
      const err = new Error(answer[1]) as Error & { responseCode: number };
      err.responseCode = answer[0];
      callback(err);
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
  workspaceId = (await db.workspace.create({ data: { name: 'smtp answers' } })).id;
  worker = await startWorker({
    db,
    redis,
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 4,
    modules: [emailSendModule],
    config: {
      appSecret: secret,
      databaseUrl: process.env.DATABASE_URL!,
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      egress: { allow: `127.0.0.1:${port}` },
      sending: { devSmtpPort: 0, heartbeatMs: 200, throttlePrefix: `${prefix}:thr` },
    },
  });
});

afterAll(async () => {
  await worker?.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await new Promise<void>((r) => server.close(() => r()));
  await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

async function identity(pool: string) {
  return db.sendingIdentity.create({
    data: {
      workspaceId,
      name: pool,
      fromName: 'Sender',
      fromEmail: `news@${pool}.sender.example`,
      ipPool: pool,
      smtpUrlEncrypted: encryptSecret(secret, `smtp://127.0.0.1:${port}`),
    },
  });
}

/** Sends one message to `local-<random>@example.org` and waits for its first answer. */
async function send(identityId: string, local: string) {
  const email = `${local}-${randomUUID().slice(0, 8)}@example.org`;
  const lead = await db.lead.create({ data: { workspaceId, email } });
  const m = await db.message.create({
    data: {
      workspaceId,
      leadId: lead.id,
      identityId,
      kind: 'test',
      toEmail: email,
      subject: 'hi',
      html: '<p>hi</p>',
      messageIdHeader: newMessageIdHeader('answers.example'),
    },
  });
  await enqueueEmailSend(queue, m.id);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const row = await db.message.findUniqueOrThrow({ where: { id: m.id } });
    if (row.status === 'sent' || (row.smtpClass && row.status !== 'sending')) {
      const suppressed = await db.suppression.findUnique({
        where: { workspaceId_email: { workspaceId, email } },
      });
      const leadNow = await db.lead.findUniqueOrThrow({ where: { id: lead.id } });
      return { message: row, lead: leadNow, suppressed };
    }
    if (Date.now() > deadline)
      throw new Error(`no answer recorded: ${row.status} ${row.lastError}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const backoffKeys = (pool: string) => redis.keys(`${prefix}:thr:backoff:${workspaceId}:${pool}:*`);

describe('what a provider answer does', () => {
  it('an unknown address bounces: suppressed, the lead marked bounced', async () => {
    const id = await identity('p-unknown');
    const r = await send(id.id, 'unknown');
    expect(r.message).toMatchObject({ status: 'bounced', smtpClass: 'mailbox' });
    expect(r.suppressed).not.toBeNull();
    expect(r.lead.status).toBe('bounced');
  });

  it('a DMARC refusal fails the message, leaves the lead alone and pauses the identity', async () => {
    const id = await identity('p-dmarc');
    const r = await send(id.id, 'dmarc');
    expect(r.message).toMatchObject({ status: 'failed', smtpClass: 'auth' });
    expect(r.message.lastError).toMatch(/refused \(auth\): 550 5\.7\.26/);
    expect(r.suppressed).toBeNull();
    expect(r.lead.status).toBe('active');
    const after = await db.sendingIdentity.findUniqueOrThrow({ where: { id: id.id } });
    expect(after.status).toBe('paused');
    expect(after.pausedReason).toMatch(/auth.*DMARC/);
    // The next message of that identity waits for a person instead of failing the same way.
    const next = await db.message.create({
      data: {
        workspaceId,
        identityId: id.id,
        kind: 'test',
        toEmail: 'someone@example.org',
        subject: 'hi',
        html: '<p>hi</p>',
        messageIdHeader: newMessageIdHeader('answers.example'),
      },
    });
    await enqueueEmailSend(queue, next.id);
    const deadline = Date.now() + 20_000;
    while ((await db.message.findUniqueOrThrow({ where: { id: next.id } })).status !== 'held') {
      if (Date.now() > deadline)
        throw new Error('the paused identity did not hold its next message');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('a full mailbox defers without slowing the provider down', async () => {
    const id = await identity('p-full');
    const r = await send(id.id, 'full');
    expect(r.message).toMatchObject({ status: 'deferred', smtpClass: 'mailbox_full' });
    expect(r.suppressed).toBeNull();
    expect(await backoffKeys('p-full')).toEqual([]);
  });

  it("Gmail's rate answer defers and backs the pool off that provider, longer when it repeats", async () => {
    const id = await identity('p-rate');
    const r = await send(id.id, 'rate');
    expect(r.message).toMatchObject({ status: 'deferred', smtpClass: 'rate' });
    const keys = await backoffKeys('p-rate');
    const flag = keys.find((k) => !k.endsWith(':strikes'))!;
    expect(flag).toBeDefined();
    expect(await redis.get(`${flag}:strikes`)).toBe('1');
    const first = await redis.pttl(flag);
    expect(first).toBeGreaterThan(60_000);
    // The same answer again once the back-off ended: the next one is twice as long.
    await redis.del(flag);
    const second = await setBackoff(redis, flag, 5 * 60_000);
    expect(second).toBe(10 * 60_000);
    // While a back-off runs, more answers of the pool's other connections add no strike.
    expect(await setBackoff(redis, flag, 5 * 60_000)).toBeLessThanOrEqual(10 * 60_000);
    expect(await redis.get(`${flag}:strikes`)).toBe('2');
  });
});
