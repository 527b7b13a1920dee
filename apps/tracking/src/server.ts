import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { pingDb, type Db } from '@kindling/db';
import { EVENTS_STREAM, pingRedis, type StreamEvent } from '@kindling/queue';
import { clickDestination, verifyToken, type TokenPayload } from '@kindling/sending/tokens';
import { classifyRequest } from './classify.js';
import { renderUnsubscribePage, type PageState } from './unsubscribe-page.js';
import { EventAppender } from './event-appender.js';
import { resubscribe, unsubscribe } from '@kindling/leads';
import { METRICS_REFUSED, clientIp, forwardedClientIp, metricsAccess } from '@kindling/runtime';

export interface TrackingConfig {
  appSecret: string;
  publicUrl: string;
  trustProxy: number;
  /** Redis stream the events go to; tests and benchmarks use their own. */
  eventsStream?: string;
  /** METRICS_TOKEN: /metrics needs it as a bearer token; unset = metrics off. */
  metricsToken?: string;
}

export interface TrackingDeps {
  db: Db;
  redis: Redis;
  logger: Logger;
  config: TrackingConfig;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The 43-byte transparent 1x1 GIF. */
export const PIXEL = Buffer.from(
  'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
  'base64',
);
const PIXEL_HEADERS = {
  'content-type': 'image/gif',
  'content-length': PIXEL.length,
  'cache-control': 'no-store, no-cache, must-revalidate, private',
};
const NOT_FOUND = Buffer.from('Not found\n');
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{1,64}$/;
const MAX_BODY = 8 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': NOT_FOUND.length,
    'cache-control': 'no-store',
  });
  res.end(NOT_FOUND);
}

function firstHeader(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/**
 * The first value of a header, read from rawHeaders: touching `req.headers` makes Node build the
 * whole header object, a measurable share of a pixel request.
 */
function rawHeader(req: IncomingMessage, lowerName: string): string {
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1]!;
  }
  return '';
}

/** Reads a small request body; null when it is larger than `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What a POST /u body asks for: RFC 8058 one-click, the page's forms, or nothing we know. */
export function unsubscribeAction(
  body: string,
): 'one-click' | 'unsubscribe' | 'resubscribe' | null {
  if (/(^|&)List-Unsubscribe=One-Click(&|$)/.test(body.trim())) return 'one-click';
  // RFC 8058 allows multipart/form-data too.
  if (/name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click/i.test(body))
    return 'one-click';
  const action = new URLSearchParams(body).get('action');
  if (action === 'unsubscribe' || action === 'resubscribe') return action;
  return null;
}

/**
 * The tracking app's request handler: plain node:http, because this is the hottest public path
 * (every open and click) and a framework's per-request cost shows here first.
 *
 * Opens and clicks: verify the token (HMAC, constant time), classify the request, XADD the event
 * to the stream, then answer. No database access. If Redis refuses the XADD, the pixel answers
 * 503 (nothing of value is lost for the reader) while a click still redirects (a broken link
 * costs the reader more than a lost count), counted in kindling_tracking_events_lost_total.
 * Unsubscribe POST: the only synchronous database write (and its event is written with it, not
 * through the stream); see handleUnsubscribe.
 */
export function createTrackingHandler(deps: TrackingDeps): {
  handler: Handler;
  registry: Registry;
} {
  const { redis, logger, config } = deps;
  const stream = config.eventsStream ?? EVENTS_STREAM;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kindling_tracking_' });
  const hits = new Counter({
    name: 'kindling_tracking_hits_total',
    help: 'Tracking requests answered, by kind and outcome (recorded = event appended to the stream)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const lost = new Counter({
    name: 'kindling_tracking_events_lost_total',
    help: 'Events that could not be appended to the stream (Redis refused)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'kindling_tracking_stream_length',
    help: 'Entries in the events stream not yet drained into Postgres (read at scrape time)',
    registers: [registry],
    async collect() {
      this.set(await redis.xlen(stream).catch(() => Number.NaN));
    },
  });
  const openRecorded = hits.labels('open', 'recorded');
  const clickRecorded = hits.labels('click', 'recorded');
  const rejected = hits.labels('any', 'rejected');

  const appender = new EventAppender(redis, stream);

  const requestEvent = (
    req: IncomingMessage,
    kind: 'open' | 'click',
    p: TokenPayload,
    url?: string,
  ): StreamEvent => {
    const ip =
      forwardedClientIp(
        req.socket.remoteAddress,
        config.trustProxy > 0 ? rawHeader(req, 'x-forwarded-for') : undefined,
        config.trustProxy,
      ) ?? '';
    const userAgent = rawHeader(req, 'user-agent').slice(0, 512);
    const machineReason = classifyRequest({
      kind,
      method: req.method ?? 'GET',
      ip,
      userAgent,
      honeypot: p.h === 1,
    });
    return {
      type: kind,
      workspaceId: p.w,
      messageId: p.m,
      leadId: p.l,
      url,
      ip,
      userAgent,
      machineReason: machineReason ?? undefined,
    };
  };

  const handleOpen = (req: IncomingMessage, res: ServerResponse, token: string) => {
    const p = verifyToken(config.appSecret, token, 'open');
    if (!p) return (rejected.inc(), notFound(res));
    appender.append(requestEvent(req, 'open', p), (err) => {
      if (!err) {
        openRecorded.inc();
        res.writeHead(200, PIXEL_HEADERS).end(PIXEL);
        return;
      }
      lost.inc({ kind: 'open' });
      logger.error({ err }, 'open event not recorded');
      res.writeHead(503, { 'cache-control': 'no-store', 'content-length': 0 }).end();
    });
  };

  const handleClick = (req: IncomingMessage, res: ServerResponse, token: string) => {
    const p = verifyToken(config.appSecret, token, 'click');
    const destination = p && clickDestination(p);
    if (!p || !destination) return (rejected.inc(), notFound(res));
    const answer = () =>
      res
        .writeHead(302, {
          location: destination,
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          'content-length': 0,
        })
        .end();
    appender.append(requestEvent(req, 'click', p, destination), (err) => {
      if (!err) clickRecorded.inc();
      else {
        lost.inc({ kind: 'click' });
        logger.error({ err }, 'click event not recorded; redirecting anyway');
      }
      answer();
    });
  };

  const handler: Handler = (req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    const method = req.method;
    if (
      path.startsWith('/o/') &&
      path.endsWith('.gif') &&
      (method === 'GET' || method === 'HEAD')
    ) {
      const token = path.slice(3, -4);
      return TOKEN_SHAPE.test(token)
        ? handleOpen(req, res, token)
        : (rejected.inc(), notFound(res));
    }
    if (path.startsWith('/c/') && (method === 'GET' || method === 'HEAD')) {
      const token = path.slice(3);
      return TOKEN_SHAPE.test(token)
        ? handleClick(req, res, token)
        : (rejected.inc(), notFound(res));
    }
    if (path.startsWith('/u/')) {
      const token = path.slice(3);
      if (!TOKEN_SHAPE.test(token) || (method !== 'GET' && method !== 'HEAD' && method !== 'POST'))
        return notFound(res);
      handleUnsubscribe(deps, req, res, token).catch((err: unknown) => {
        logger.error({ err }, 'unsubscribe failed');
        if (!res.headersSent)
          json(res, 500, {
            error: { code: 'internal', message: 'Something went wrong; please try again.' },
          });
        else res.end();
      });
      return;
    }
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      void Promise.allSettled([pingDb(deps.db), pingRedis(deps.redis)]).then(([pg, rd]) => {
        const checks = {
          postgres: pg.status === 'fulfilled' ? 'ok' : 'unreachable',
          redis: rd.status === 'fulfilled' ? 'ok' : 'unreachable',
        };
        const ok = checks.postgres === 'ok' && checks.redis === 'ok';
        json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks });
      });
      return;
    }
    if (path === '/metrics') {
      const access = metricsAccess(rawHeader(req, 'authorization'), deps.config.metricsToken);
      if (access !== 'ok') {
        const { status, code, message } = METRICS_REFUSED[access];
        return json(res, status, { error: { code, message } });
      }
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
      });
      return;
    }
    notFound(res);
  };
  return { handler, registry };
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
    // The token is in the URL: never leak it to another origin.
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
  res.end(body);
}

/**
 * GET shows the confirmation page and changes nothing (scanners follow links). POST unsubscribes
 * (RFC 8058 one-click or the page's form) or re-subscribes, through the one rule of
 * @kindling/leads (unsubscribe.ts): the lead's status, the suppression, the enrollments' exit and
 * the event change in one statement BEFORE the answer, so no later send or step can slip through.
 */
async function handleUnsubscribe(
  deps: TrackingDeps,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> {
  const { db, config } = deps;
  const p = verifyToken(config.appSecret, token, 'unsubscribe');
  if (!p) return notFound(res);
  const workspace = await db.workspace.findUnique({
    where: { id: p.w },
    select: { name: true, postalAddress: true },
  });
  if (!workspace) return notFound(res);
  const lead = p.l
    ? await db.lead.findFirst({
        where: { id: p.l, workspaceId: p.w },
        select: { id: true, email: true, status: true },
      })
    : null;
  let email = lead?.email;
  if (!email && p.m) {
    const message = await db.message.findFirst({
      where: { id: p.m, workspaceId: p.w },
      select: { toEmail: true },
    });
    email = message?.toEmail;
  }
  if (!email) return notFound(res);
  email = email.toLowerCase();
  const page = (state: PageState) =>
    renderUnsubscribePage({
      state,
      workspaceName: workspace.name,
      postalAddress: workspace.postalAddress,
      email,
      action: `/u/${token}`,
    });

  if (req.method !== 'POST') {
    const suppressed = await db.suppression.findUnique({
      where: { workspaceId_email: { workspaceId: p.w, email } },
      select: { reason: true },
    });
    const unsubscribed = lead?.status === 'unsubscribed' || suppressed?.reason === 'unsubscribe';
    return sendPage(res, 200, page(unsubscribed ? 'unsubscribed' : 'confirm'));
  }

  const body = await readBody(req, MAX_BODY);
  const action = body === null ? null : unsubscribeAction(body);
  if (!action) {
    return sendPage(res, 400, page('bad-request'));
  }
  if (action === 'resubscribe') {
    await resubscribe(db, { workspaceId: p.w, leadId: lead?.id, email });
    return sendPage(res, 200, page('resubscribed'));
  }
  await unsubscribe(db, {
    workspaceId: p.w,
    leadIds: lead ? [lead.id] : [],
    email,
    messageId: p.m,
    via: action,
    event: {
      ip: clientIp(req, config.trustProxy),
      userAgent: firstHeader(req.headers['user-agent']),
    },
  });
  return sendPage(res, 200, page('unsubscribed'));
}
