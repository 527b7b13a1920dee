// The tracking handler against real Postgres and Redis, on an ephemeral port, with a stream key
// of its own so nobody else's traffic shows up in the counts.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createDb } from '@kindling/db';
import { createProducerRedis, decodeStreamEvent } from '@kindling/queue';
import { signToken } from '@kindling/sending/tokens';
import { PIXEL, createTrackingHandler } from './server.js';

const secret = 'tracking-test-secret-0123456789abcdef';
const stream = `test:tracking:${randomUUID()}`;
const db = createDb(process.env.DATABASE_URL!);
const redis = createProducerRedis(process.env.REDIS_URL!, { enableAutoPipelining: true });
let server: Server;
let base: string;
let workspaceId: string;
let leadId: string;
let messageId: string;
let email: string;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request: the path goes on the wire exactly as given (fetch would normalise it). */
function hit(
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

async function lastEvents(n: number) {
  const entries = (await redis.xrevrange(stream, '+', '-', 'COUNT', n)) as [string, string[]][];
  return entries.reverse().map(([, fields]) => decodeStreamEvent(fields)!);
}

beforeAll(async () => {
  email = `unsub-${randomUUID()}@example.test`;
  const ws = await db.workspace.create({
    data: { name: 'Acme <Outdoor> & Co', postalAddress: '1 Main St, Springfield' },
  });
  workspaceId = ws.id;
  const lead = await db.lead.create({ data: { workspaceId, email } });
  leadId = lead.id;
  const msg = await db.message.create({
    data: {
      workspaceId,
      leadId,
      toEmail: email,
      subject: 'Hi',
      messageIdHeader: `<${randomUUID()}@test>`,
      status: 'sent',
      sentAt: new Date(),
    },
  });
  messageId = msg.id;
  const { handler } = createTrackingHandler({
    db,
    redis,
    logger: pino({ level: 'silent' }),
    config: {
      appSecret: secret,
      publicUrl: 'http://localhost',
      trustProxy: 0,
      eventsStream: stream,
      metricsToken: 'tracking-metrics-token-0123',
    },
  });
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await redis.del(stream);
  await db.workspace.delete({ where: { id: workspaceId } }).catch(() => undefined);
  await db.$disconnect();
  redis.disconnect();
});

const openToken = () => signToken(secret, { k: 'open', w: workspaceId, m: messageId, l: leadId });
const clickToken = (u: string, extra: { h?: 1 } = {}) =>
  signToken(secret, { k: 'click', w: workspaceId, m: messageId, l: leadId, u, ...extra });
const unsubToken = () =>
  signToken(secret, { k: 'unsubscribe', w: workspaceId, m: messageId, l: leadId });

describe('open pixel', () => {
  it('answers the 43-byte GIF, uncached, and appends the event before answering', async () => {
    const before = await redis.xlen(stream);
    const res = await hit(`/o/${openToken()}.gif`, {
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux) Firefox/130' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body.equals(PIXEL)).toBe(true);
    expect(res.body.length).toBe(43);
    expect(await redis.xlen(stream)).toBe(before + 1);
    const [e] = await lastEvents(1);
    expect(e).toMatchObject({ type: 'open', workspaceId, messageId, leadId, ip: '127.0.0.1' });
    expect(e!.machineReason).toBeUndefined();
  });

  it('marks Apple MPP and HEAD requests as machines, Google image proxy as human', async () => {
    await hit(`/o/${openToken()}.gif`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    await hit(`/o/${openToken()}.gif`, { method: 'HEAD' });
    await hit(`/o/${openToken()}.gif`, {
      headers: { 'user-agent': 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)' },
    });
    const [mpp, head, google] = await lastEvents(3);
    expect(mpp!.machineReason).toBe('apple_mpp');
    expect(head!.machineReason).toBe('head');
    expect(google!.machineReason).toBeUndefined();
  });
});

describe('click redirect', () => {
  it('redirects to the signed URL and records the click', async () => {
    const res = await hit(`/c/${clickToken('https://example.com/pricing?plan=pro')}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://example.com/pricing?plan=pro');
    const [e] = await lastEvents(1);
    expect(e).toMatchObject({
      type: 'click',
      url: 'https://example.com/pricing?plan=pro',
      messageId,
    });
  });

  it('the honeypot link redirects but is recorded as a machine', async () => {
    const res = await hit(`/c/${clickToken('https://example.com/', { h: 1 })}`);
    expect(res.status).toBe(302);
    expect((await lastEvents(1))[0]!.machineReason).toBe('honeypot');
  });

  it('forged, truncated, other-secret and wrong-kind tokens answer 404 and never redirect', async () => {
    const good = clickToken('https://example.com/a');
    const [body, tag] = good.split('.') as [string, string];
    const forgedBody = Buffer.from(
      JSON.stringify({ k: 'click', w: workspaceId, m: messageId, u: 'https://evil.example/' }),
    ).toString('base64url');
    const reSignedElsewhere = signToken('another-secret-0123456789abcdef0123', {
      k: 'click',
      w: workspaceId,
      m: messageId,
      u: 'https://evil.example/',
    });
    const cases = [
      `${forgedBody}.${tag}`, // payload swapped for another URL, old signature
      reSignedElsewhere, // a valid token for another URL, signed with a key that is not ours
      good.slice(0, -3), // truncated tag
      body, // no tag at all
      `${body}.`,
      `${body.slice(0, -4)}.${tag}`, // truncated payload
      openToken(), // an open token replayed as a click
      'garbage',
    ];
    const before = await redis.xlen(stream);
    for (const token of cases) {
      const res = await hit(`/c/${token}`);
      expect(res.status, token).toBe(404);
      expect(res.headers.location, token).toBeUndefined();
    }
    // and as pixels
    expect((await hit(`/o/${good}.gif`)).status).toBe(404);
    expect((await hit(`/o/${good.slice(0, -2)}.gif`)).status).toBe(404);
    expect(await redis.xlen(stream)).toBe(before);
  });

  it('open-redirect attempts are impossible: only a signed absolute http(s) URL is followed', async () => {
    const good = clickToken('https://example.com/a');
    const paths = [
      '/c///evil.example',
      '/c//evil.example',
      '/c/\\\\evil.example',
      '/c/%2F%2Fevil.example',
      '/c/%5C%5Cevil.example',
      '/c/%252F%252Fevil.example',
      '/c/https://evil.example',
      '/c/https:%2F%2Fevil.example',
      `/c/${good}/..//evil.example`,
      `/c/${good}%2F%2Fevil.example`,
      `/c/${good}%0d%0aLocation:%20https://evil.example`,
    ];
    for (const p of paths) {
      const res = await hit(p);
      expect(res.status, p).toBe(404);
      expect(res.headers.location, p).toBeUndefined();
    }
    // A query string cannot change the destination.
    const q = await hit(`/c/${good}?u=https://evil.example&url=//evil.example`);
    expect(q.status).toBe(302);
    expect(q.headers.location).toBe('https://example.com/a');
    // Even a token we signed ourselves never sends anyone to a non-absolute or non-http(s) URL.
    for (const u of [
      '//evil.example',
      '\\\\evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      'data:text/html,hi',
      'ftp://evil.example/',
    ]) {
      const res = await hit(`/c/${clickToken(u)}`);
      expect(res.status, u).toBe(404);
      expect(res.headers.location, u).toBeUndefined();
    }
  });
});

describe('unsubscribe', () => {
  it('GET shows the branded page and changes nothing; POST one-click unsubscribes before answering', async () => {
    const page = await hit(`/u/${unsubToken()}`);
    expect(page.status).toBe(200);
    const html = page.body.toString();
    expect(html).toContain('Acme &lt;Outdoor&gt; &amp; Co'); // branded, and escaped
    expect(html).toContain('method="post"');
    expect(html).toContain('data-state="confirm"');
    expect((await db.lead.findUniqueOrThrow({ where: { id: leadId } })).status).toBe('active');
    expect(await db.suppression.findFirst({ where: { workspaceId, email } })).toBeNull();

    const campaign = await db.campaign.create({
      data: { workspaceId, name: 'Drip', status: 'active' },
    });
    const enrollment = await db.enrollment.create({
      data: { workspaceId, campaignId: campaign.id, leadId, nextRunAt: new Date() },
    });
    const before = await redis.xlen(stream);
    const res = await hit(`/u/${unsubToken()}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Mail/1.0',
      },
    });
    expect(res.status).toBe(200);
    // Already true when the answer arrived: no later send or step can slip through.
    const lead = await db.lead.findUniqueOrThrow({ where: { id: leadId } });
    expect(lead.status).toBe('unsubscribed');
    expect(lead.unsubscribedAt).not.toBeNull();
    expect(await db.suppression.findFirst({ where: { workspaceId, email } })).toMatchObject({
      reason: 'unsubscribe',
    });
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).toMatchObject({
      status: 'exited',
      exitReason: 'unsubscribed',
      nextRunAt: null,
    });
    // The event is written with the change itself, not through the stream.
    expect(await redis.xlen(stream)).toBe(before);
    expect(
      await db.trackingEvent.findFirst({
        where: { workspaceId, type: 'unsubscribe' },
        orderBy: { id: 'desc' },
      }),
    ).toMatchObject({
      leadId,
      messageId,
      ip: '127.0.0.1',
      userAgent: 'Mail/1.0',
      detail: { method: 'one-click' },
    });

    // The page now offers re-subscribing.
    const after = (await hit(`/u/${unsubToken()}`)).body.toString();
    expect(after).toContain('data-state="unsubscribed"');
    expect(after).toContain('name="action" value="resubscribe"');
  });

  it('the page forms re-subscribe and unsubscribe again; bad bodies are refused', async () => {
    const post = (body: string) =>
      hit(`/u/${unsubToken()}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const re = await post('action=resubscribe');
    expect(re.status).toBe(200);
    expect(re.body.toString()).toContain('data-state="resubscribed"');
    expect((await db.lead.findUniqueOrThrow({ where: { id: leadId } })).status).toBe('active');
    expect(await db.suppression.findFirst({ where: { workspaceId, email } })).toBeNull();

    expect((await post('hello=world')).status).toBe(400);
    expect((await db.lead.findUniqueOrThrow({ where: { id: leadId } })).status).toBe('active');

    const un = await post('action=unsubscribe');
    expect(un.status).toBe(200);
    expect((await db.lead.findUniqueOrThrow({ where: { id: leadId } })).status).toBe(
      'unsubscribed',
    );
  });

  it('a multipart one-click body works, and a bounced lead keeps its stronger status', async () => {
    const bounced = await db.lead.create({
      data: { workspaceId, email: `b-${randomUUID()}@example.test`, status: 'bounced' },
    });
    await db.suppression.create({
      data: { workspaceId, email: bounced.email, reason: 'hard_bounce' },
    });
    const token = signToken(secret, { k: 'unsubscribe', w: workspaceId, l: bounced.id });
    const boundary = 'XyZ';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const res = await hit(`/u/${token}`, {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.status).toBe(200);
    expect((await db.lead.findUniqueOrThrow({ where: { id: bounced.id } })).status).toBe('bounced');
    expect(
      await db.suppression.findFirst({ where: { workspaceId, email: bounced.email } }),
    ).toMatchObject({ reason: 'hard_bounce' });
    // Re-subscribing never lifts a bounce.
    await hit(`/u/${token}`, {
      method: 'POST',
      body: 'action=resubscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(
      await db.suppression.findFirst({ where: { workspaceId, email: bounced.email } }),
    ).toMatchObject({ reason: 'hard_bounce' });
  });

  it('a forged or click token on /u answers 404 and unsubscribes nobody', async () => {
    const [, tag] = unsubToken().split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ k: 'unsubscribe', w: workspaceId, l: leadId }),
    ).toString('base64url');
    for (const token of [`${forged}.${tag}x`, clickToken('https://example.com/'), 'nope']) {
      expect((await hit(`/u/${token}`)).status).toBe(404);
      expect(
        (await hit(`/u/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status,
      ).toBe(404);
    }
  });
});

describe('observability', () => {
  it('exposes hit counters and the stream length as Prometheus metrics', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const bearer = { authorization: 'Bearer tracking-metrics-token-0123' };
    const text = (await (await fetch(`${base}/metrics`, { headers: bearer })).text()).split('\n');
    expect(
      text.find((l) =>
        l.startsWith('kindling_tracking_hits_total{kind="open",outcome="recorded"}'),
      ),
    ).toBeDefined();
    const len = text.find((l) => l.startsWith('kindling_tracking_stream_length '));
    expect(Number(len?.split(' ')[1])).toBe(await redis.xlen(stream));
  });
});
