// Property-based tests (fast-check) of the tracking endpoints: the open pixel, the click
// redirect and the unsubscribe page and POST meet hostile tokens (garbage, forged, or signed
// over hostile payloads) and hostile bodies (test/support/hostile.ts). Never a 500, never a
// hang, and a token that is not ours adds nothing to the events stream and changes no lead.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { createProducerRedis } from '@kindling/queue';
import { createHttpServer } from '@kindling/runtime';
import { signToken } from '@kindling/sending/tokens';
import {
  hostileJson,
  hostileSegment,
  hostileString,
  hostileUrlencoded,
} from '../../../test/support/hostile.js';
import { createTrackingHandler } from './server.js';

const RUNS = 200;
const secret = 'tracking-fuzz-secret-0123456789abcdef';
const stream = `test:tracking-fuzz:${randomUUID()}`;
const db = createDb(process.env.DATABASE_URL!);
const redis = createProducerRedis(process.env.REDIS_URL!);
let server: Server;
let base: string;
let workspaceId: string;
let leadId: string;
let messageId: string;

beforeAll(async () => {
  const ws = await db.workspace.create({ data: { name: 'Fuzz', postalAddress: '1 Main St' } });
  workspaceId = ws.id;
  const email = `fuzz-${randomUUID()}@example.test`;
  leadId = (await db.lead.create({ data: { workspaceId, email } })).id;
  messageId = (
    await db.message.create({
      data: {
        workspaceId,
        leadId,
        toEmail: email,
        subject: 'Hi',
        messageIdHeader: `<${randomUUID()}@test>`,
        status: 'sent',
        sentAt: new Date(),
      },
    })
  ).id;
  const { handler } = createTrackingHandler({
    db,
    redis,
    logger: pino({ level: 'silent' }),
    config: {
      appSecret: secret,
      publicUrl: 'http://localhost',
      trustProxy: 0,
      eventsStream: stream,
    },
  });
  server = createHttpServer(handler, { bodyIdleMs: 2_000 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await redis.del(stream);
  await db.workspace.delete({ where: { id: workspaceId } }).catch(() => undefined);
  await db.$disconnect();
  redis.disconnect();
});

async function send(method: string, path: string, body?: string) {
  const res = await fetch(base + path, {
    method,
    redirect: 'manual',
    headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, text: await res.text() };
}

const leadStatus = async () => (await db.lead.findUniqueOrThrow({ where: { id: leadId } })).status;

const routes = ['GET /o/$.gif', 'GET /c/$', 'HEAD /c/$', 'GET /u/$', 'POST /u/$'] as const;

describe('tracking endpoints under hostile input', { timeout: 120_000 }, () => {
  it('tokens that are not ours: handled, nothing recorded, no lead changed', async () => {
    const forged = fc
      .tuple(hostileJson, fc.string({ maxLength: 30 }))
      .map(
        ([payload, tag]) =>
          `${Buffer.from(JSON.stringify(payload) ?? 'null').toString('base64url')}.${Buffer.from(tag).toString('base64url')}`,
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileSegment, forged),
        fc.constantFrom(...routes),
        fc.option(hostileUrlencoded),
        async (token, route, body) => {
          const [method, path] = route.split(' ') as [string, string];
          const before = await redis.xlen(stream);
          const a = await send(
            method,
            path.replace('$', token),
            method === 'POST' ? (body ?? '') : undefined,
          );
          expect(
            a.status,
            `${route} ${token.slice(0, 100)} → ${a.text.slice(0, 200)}`,
          ).toBeLessThan(500);
          expect(await redis.xlen(stream)).toBe(before);
        },
      ),
      {
        numRuns: RUNS,
        examples: [
          ['%', 'GET /o/$.gif', null],
          ['a.b', 'POST /u/$', '%'],
        ],
      },
    );
    expect(await leadStatus()).toBe('active');
  });

  it('tokens we signed over hostile payloads, and hostile unsubscribe bodies: handled', async () => {
    const payload = fc.record({
      k: fc.constantFrom('open', 'click', 'unsubscribe'),
      w: fc.oneof(fc.constant(workspaceId), hostileString),
      m: fc.oneof(fc.constant(messageId), hostileString),
      l: fc.oneof(fc.constant(leadId), hostileString),
      u: fc.oneof(fc.constant('https://example.com/'), hostileString),
    });
    await fc.assert(
      fc.asyncProperty(
        payload,
        fc.constantFrom(...routes),
        hostileUrlencoded,
        async (p, route, body) => {
          const [method, path] = route.split(' ') as [string, string];
          const token = signToken(secret, p);
          const a = await send(
            method,
            path.replace('$', token),
            method === 'POST' ? body : undefined,
          );
          expect(
            a.status,
            `${route} ${JSON.stringify(p).slice(0, 200)} → ${a.text.slice(0, 200)}`,
          ).toBeLessThan(500);
        },
      ),
      {
        numRuns: RUNS,
        // Failed once (500): a signed unsubscribe token whose lead id is a NUL.
        examples: [
          [
            {
              k: 'unsubscribe',
              w: workspaceId,
              m: messageId,
              l: '\u0000',
              u: 'https://example.com/',
            },
            'POST /u/$',
            '',
          ],
        ],
      },
    );
  });
});
