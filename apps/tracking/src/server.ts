import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { pingDb, type Db } from '@kindling/db';
import { pingRedis } from '@kindling/queue';

export interface TrackingDeps {
  db: Db;
  redis: Redis;
  logger: Logger;
  config: { appSecret: string; publicUrl: string; trustProxy: number };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The tracking app's request handler: plain node:http, because this is the hottest public path
 * (every open and click) and a framework's per-request cost shows here first.
 */
export function createTrackingHandler(deps: TrackingDeps): { handler: Handler; registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kindling_tracking_' });

  const handler: Handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
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
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
      });
      return;
    }
    json(res, 404, { error: { code: 'not_found', message: 'Not found' } });
  };
  return { handler, registry };
}
