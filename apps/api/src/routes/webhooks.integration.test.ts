// Outgoing webhooks end to end against real Postgres, Redis and a real HTTP receiver: events
// caused through the product's api (a lead created and updated over POST /api/leads, an edit, an
// unsubscribe, a test event) reach the receiver through the worker's webhooks module, and every
// signature is verified with the Standard Webhooks reference library (`standardwebhooks`, not
// the product's code), including both signatures of a rotation's overlap. The receiver then fails
// (500, a timeout, a refused connection): retries on the (short, test) schedule, the attempt log,
// replay of one delivery and of a range, and auto-disable with a notice email to the owner.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createWorkerRedis } from '@kindling/queue';
import {
  WEBHOOK_DATA_SCHEMAS,
  webhookPayloadSchema,
  type WebhookEventType,
} from '@kindling/shared';
import { startWorker } from '../../../worker/src/worker.js';
import { webhooksModule } from '../../../worker/src/modules/webhooks/index.js';
import { signUp, startTestApi, uniqueEmail, type TestApi } from '../../test/support/testing.js';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP receiver whose answer each test sets: a status, or hanging (a timeout). */
async function startReceiver() {
  const got: Received[] = [];
  let answer: (n: number) => number | 'hang' = () => 200;
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
      );
      got.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(got.length);
      if (a === 'hang') return void hanging.push(res);
      res
        .writeHead(a, { 'content-type': 'text/plain' })
        .end(a >= 400 ? `receiver says ${a}` : 'ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    got,
    setAnswer: (f: (n: number) => number | 'hang') => void (answer = f),
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

let api: TestApi;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let worker: { close: () => Promise<void> };
const prefix = `test-webhooks-${randomUUID().slice(0, 8)}`;
const SCHEDULE = [200, 400, 800];

beforeAll(async () => {
  receiver = await startReceiver();
  // 127.0.0.1 is refused unless the operator allows it: the test allows it, but not the port it
  // declares as the product's own.
  const egress = { allow: '127.0.0.1', ownPorts: [6379] };
  api = await startTestApi({ queuePrefix: prefix, egress });
  const redis = createWorkerRedis(process.env.REDIS_URL!);
  const running = await startWorker({
    db: api.deps.db,
    redis,
    logger: api.deps.logger,
    concurrency: 1,
    prefix,
    modules: [webhooksModule],
    config: {
      appSecret: api.deps.config.appSecret,
      publicUrl: api.deps.config.publicUrl,
      trackingUrl: api.deps.config.trackingUrl,
      egress,
      webhooks: {
        pollMs: 50,
        repairMs: 1_000,
        repairGraceMs: 2_000,
        retryScheduleMs: SCHEDULE,
        timeoutMs: 1_000,
        disableAfterFailures: 4,
        disableAfterMs: 0,
        lockMs: 5_000,
      },
    },
  });
  let closed = false;
  worker = {
    close: async () => {
      if (closed) return;
      closed = true;
      await running.close();
      redis.disconnect();
    },
  };
});
afterAll(async () => {
  await worker?.close();
  await api?.close();
  await receiver?.close();
});

async function until<T>(
  what: string,
  f: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 30_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const typeOf = (r: Received) => (JSON.parse(r.body) as { type: string }).type;

describe('outgoing webhooks', () => {
  it('delivers each event, signed so the reference library verifies it, payloads by the schemas', async () => {
    receiver.setAnswer(() => 200);
    const { client } = await signUp(api, 'hooks');
    const created = await client.post('/api/webhooks/endpoints', {
      url: receiver.url,
      description: 'CRM',
      eventTypes: ['lead.created', 'lead.updated', 'lead.unsubscribed'],
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    // Shown once: never in a later answer.
    const listed = await client.get('/api/webhooks/endpoints');
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));

    const start = receiver.got.length;
    const email = uniqueEmail('hooked');
    const lead = await client.post('/api/leads', { email, firstName: 'Ada' });
    const id = lead.body.leads[0].id as string;
    await client.post('/api/leads', { email, lastName: 'Lovelace' });
    await client.patch(`/api/leads/${id}`, { tags: ['vip'] });
    await client.post('/api/leads/bulk', { action: 'unsubscribe', ids: [id] });
    const test = await client.post(`/api/webhooks/endpoints/${created.body.id}/test`);
    expect(test.status).toBe(202);

    const mine = await until('five deliveries', () => {
      const r = receiver.got.slice(start);
      return r.length >= 5 ? r : null;
    });
    const wh = new Webhook(secret);
    const types: string[] = [];
    for (const r of mine) {
      const verified = wh.verify(r.body, r.headers) as { type: string };
      types.push(verified.type);
      if (verified.type !== 'webhook.test') {
        const t = verified.type as WebhookEventType;
        expect(() => webhookPayloadSchema(t).parse(verified)).not.toThrow();
        expect(Object.keys(WEBHOOK_DATA_SCHEMAS)).toContain(t);
      }
      // A tampered body is refused by the same library.
      expect(() => wh.verify(r.body.replace('}', ' }'), r.headers)).toThrow();
    }
    // One lead's events arrive in the order they happened; the test event rides beside them.
    expect(types.filter((t) => t !== 'webhook.test')).toEqual([
      'lead.created',
      'lead.updated',
      'lead.updated',
      'lead.unsubscribed',
    ]);
    const last = JSON.parse(mine.find((r) => typeOf(r) === 'lead.unsubscribed')!.body);
    expect(last.data.lead).toMatchObject({
      id,
      email,
      status: 'unsubscribed',
      lastName: 'Lovelace',
    });

    // Rotation: during the overlap both secrets verify every delivery.
    const rotated = await client.post(`/api/webhooks/endpoints/${created.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).not.toBeNull();
    const before = receiver.got.length;
    await client.post('/api/leads', { email: uniqueEmail('rotated') });
    const after = await until('a delivery after rotation', () => receiver.got[before]);
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() =>
      new Webhook(rotated.body.secret as string).verify(after.body, after.headers),
    ).not.toThrow();
    expect(() => new Webhook(secret).verify(after.body, after.headers)).not.toThrow();

    // The log: each delivery with its attempt, filtered by event type.
    const log = await client.get(`/api/webhooks/deliveries?eventType=lead.updated`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(2);
    expect(log.body.items[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(log.body.items[0].lastAttempt).toMatchObject({ status: 200, responseExcerpt: 'ok' });
  });

  it('refuses an internal URL the operator did not allow', async () => {
    const { client } = await signUp(api, 'hooks-egress');
    const res = await client.post('/api/webhooks/endpoints', {
      url: 'http://127.0.0.1:6379/',
      eventTypes: ['lead.created'],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('url');
  });

  it('retries 500s and timeouts with back-off, logs every attempt, replays, and auto-disables', async () => {
    const { client, email: ownerEmail } = await signUp(api, 'hooks-fail');
    const ep = await client.post('/api/webhooks/endpoints', {
      url: receiver.url,
      eventTypes: ['lead.created'],
    });
    const endpointId = ep.body.id as string;
    // 500, then a hang past the attempt timeout, then 200.
    const start = receiver.got.length;
    receiver.setAnswer((n) => (n === start + 1 ? 500 : n === start + 2 ? 'hang' : 200));
    await client.post('/api/leads', { email: uniqueEmail('retry') });
    const delivered = await until('the delivery after two failures', async () => {
      const l = await client.get(`/api/webhooks/deliveries?endpointId=${endpointId}`);
      return l.body.items[0]?.status === 'delivered' ? l.body.items[0] : null;
    });
    expect(delivered.attempts).toBe(3);
    const detail = (await client.get(`/api/webhooks/deliveries/${delivered.id}`)).body;
    const log = [...detail.attemptsLog].reverse();
    expect(log.map((a: { status: number | null }) => a.status)).toEqual([500, null, 200]);
    expect(log[0].responseExcerpt).toBe('receiver says 500');
    expect(log[1].error).toMatch(/no answer within 1000 ms/);
    // Back-off: each retry waited at least its step of the schedule.
    const at = log.map((a: { at: string }) => Date.parse(a.at));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(SCHEDULE[0]!);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(SCHEDULE[1]!);
    // Every attempt carried the same webhook-id.
    const ids = receiver.got.slice(start).map((r) => r.headers['webhook-id']);
    expect(new Set(ids)).toEqual(new Set([delivered.webhookId]));

    // Replay one delivery: sent again with the same webhook-id.
    const n = receiver.got.length;
    receiver.setAnswer(() => 200);
    const replay = await client.post(`/api/webhooks/deliveries/${delivered.id}/replay`);
    expect(replay.status).toBe(202);
    const again = await until('the replay', () => receiver.got[n]);
    expect(again.headers['webhook-id']).toBe(delivered.webhookId);

    // Connection refused: the endpoint moves to a closed port (nothing listens there).
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await new Promise((r) => closed.once('listening', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await api.deps.db.webhookEndpoint.update({
      where: { id: endpointId },
      data: { url: `http://127.0.0.1:${closedPort}/hook` },
    });
    await client.post('/api/leads', { email: uniqueEmail('refused') });
    // Four failures in a row (the test's threshold) turn it off and mail the owner.
    const off = await until('auto-disable', async () => {
      const e = await client.get(`/api/webhooks/endpoints/${endpointId}`);
      return e.body.enabled === false ? e.body : null;
    });
    expect(off.disabledReason).toMatch(/failed attempts in a row/);
    const failed = (
      await client.get(`/api/webhooks/deliveries?endpointId=${endpointId}&status=failed`)
    ).body.items;
    expect(failed).toHaveLength(1);
    const refusedLog = (await client.get(`/api/webhooks/deliveries/${failed[0].id}`)).body
      .attemptsLog;
    expect(refusedLog).toHaveLength(SCHEDULE.length + 1);
    expect(refusedLog[0].error).toBe('ECONNREFUSED');
    const notice = await until('the owner notice', () =>
      api.deps.db.message.findFirst({
        where: { toEmail: ownerEmail, kind: 'account', subject: { contains: 'webhook' } },
      }),
    );
    expect(notice.html).toContain(`127.0.0.1:${closedPort}`);

    // Turned on again (back at the receiver), a range replay sends the failed delivery again.
    await api.deps.db.webhookEndpoint.update({
      where: { id: endpointId },
      data: { url: receiver.url },
    });
    const m = receiver.got.length;
    const on = await client.patch(`/api/webhooks/endpoints/${endpointId}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, failingSince: null });
    const range = await client.post('/api/webhooks/replay', {
      endpointId,
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date().toISOString(),
      status: 'failed',
    });
    expect(range.body.replayed).toBe(1);
    await until('the replayed range', () => receiver.got.length > m);
    await until('everything delivered', async () => {
      const l = await client.get(`/api/webhooks/deliveries?endpointId=${endpointId}`);
      return l.body.items.every((d: { status: string }) => d.status === 'delivered');
    });
  });
});

describe('a worker killed mid-delivery', () => {
  it(
    'delivers every event at least once, redelivering with the same webhook-id',
    { timeout: 120_000 },
    async () => {
      // This test's worker is a child process of its own: the shared one stops first.
      await worker.close();
      const { client } = await signUp(api, 'hooks-crash');
      const ep = await client.post('/api/webhooks/endpoints', {
        url: receiver.url,
        eventTypes: ['lead.created'],
      });
      const start = receiver.got.length;
      // Every request hangs until the child is dead.
      let crashed = false;
      receiver.setAnswer(() => (crashed ? 200 : 'hang'));
      const settings = {
        pollMs: 50,
        repairMs: 1_000,
        repairGraceMs: 2_000,
        retryScheduleMs: SCHEDULE,
        timeoutMs: 10_000,
        lockMs: 2_000,
      };
      const env = {
        ...process.env,
        QUEUE_PREFIX: prefix,
        APP_SECRET: api.deps.config.appSecret,
        WEBHOOKS: JSON.stringify(settings),
        EGRESS_ALLOW: '127.0.0.1',
        EGRESS_OWN_PORTS: '[6379]',
      };
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('../../test/support/webhooks-worker-child.ts', import.meta.url)),
        ],
        { env, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      const emails = Array.from({ length: 20 }, (_, i) => uniqueEmail(`crash${i}`));
      const made = await client.post('/api/leads', { leads: emails.map((email) => ({ email })) });
      expect(made.body.created).toBe(20);
      await until('attempts in flight', () => receiver.got.length > start);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      crashed = true;
      const inFlight = new Set(receiver.got.slice(start).map((r) => r.headers['webhook-id']));

      // A new worker takes over: the dead one's jobs run again once their lock expires.
      const redis = createWorkerRedis(process.env.REDIS_URL!);
      const again = await startWorker({
        db: api.deps.db,
        redis,
        logger: api.deps.logger,
        concurrency: 1,
        prefix,
        modules: [webhooksModule],
        config: {
          appSecret: api.deps.config.appSecret,
          publicUrl: api.deps.config.publicUrl,
          trackingUrl: api.deps.config.trackingUrl,
          egress: { allow: '127.0.0.1', ownPorts: [6379] },
          webhooks: settings,
        },
      });
      try {
        const endpointId = ep.body.id as string;
        await until(
          'all 20 delivered',
          async () => {
            const n = await api.deps.db.webhookDelivery.count({
              where: { endpointId, status: 'delivered' },
            });
            return n === 20;
          },
          90_000,
        );
        const mine = receiver.got.slice(start);
        const byId = new Map<string, string[]>();
        const wh = new Webhook(ep.body.secret as string);
        for (const r of mine) {
          const p = wh.verify(r.body, r.headers) as { data: { lead: { email: string } } };
          const id = r.headers['webhook-id']!;
          byId.set(id, [...(byId.get(id) ?? []), p.data.lead.email]);
        }
        // Every lead's event arrived, under one webhook-id each...
        expect(new Set([...byId.values()].map((v) => v[0]))).toEqual(new Set(emails));
        expect(byId.size).toBe(20);
        // ...and each one the dead worker had in flight came again with the same id.
        for (const id of inFlight) expect(byId.get(id!)!.length).toBeGreaterThanOrEqual(2);
      } finally {
        await again.close();
        redis.disconnect();
      }
    },
  );
});
