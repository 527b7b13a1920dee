import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { pingDb, type Db } from '@kindling/db';
import { pingRedis } from '@kindling/queue';
import { METRICS_REFUSED, createHttpServer, metricsAccess } from '@kindling/runtime';
import { drainMonitor } from './drain-health.js';

export interface Readiness {
  checks: Record<string, 'ok' | 'unreachable'>;
  /** Each stream drain's health and lag; a stalled drain makes the worker not ready. */
  drains?: Record<string, { status: 'ok' | 'stalled' }>;
}

/**
 * A bare HTTP server for /healthz, /readyz and /metrics; `ready` decides readiness (Postgres and
 * Redis reachable, no drain stalled) and answers 503 with the failing checks otherwise.
 * /metrics needs `metricsToken` as a bearer token (off without one).
 */
export function createHealthServer(
  registry: Registry,
  ready: () => Promise<Readiness>,
  metricsToken?: string,
): Server {
  return createHttpServer(
    (req, res) => {
      void (async () => {
        const url = req.url?.split('?')[0];
        if (url === '/healthz') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        } else if (url === '/readyz') {
          const { checks, drains = {} } = await ready();
          const ok =
            Object.values(checks).every((c) => c === 'ok') &&
            Object.values(drains).every((d) => d.status === 'ok');
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: ok ? 'ready' : 'not ready', checks, drains }));
        } else if (url === '/metrics') {
          const access = metricsAccess(req.headers.authorization, metricsToken);
          if (access !== 'ok') {
            const { status, code, message } = METRICS_REFUSED[access];
            res
              .writeHead(status, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: { code, message } }));
            return;
          }
          res
            .writeHead(200, { 'content-type': registry.contentType })
            .end(await registry.metrics());
        } else {
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end('{"error":{"code":"not_found","message":"Not found"}}');
        }
      })().catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    },
    { headersMs: 5_000, requestMs: 10_000, bodyIdleMs: 5_000 },
  );
}

/** The worker's readiness: Postgres and Redis reachable, and every stream drain not stalled. */
export function workerReadiness(
  db: Db,
  redis: Redis,
  registry: Registry,
): () => Promise<Readiness> {
  const drains = drainMonitor(registry);
  return async () => {
    const [pg, rd, drain] = await Promise.allSettled([pingDb(db), pingRedis(redis), drains.all()]);
    return {
      checks: {
        postgres: pg.status === 'fulfilled' ? 'ok' : 'unreachable',
        redis: rd.status === 'fulfilled' ? 'ok' : 'unreachable',
      },
      drains: drain.status === 'fulfilled' ? drain.value : {},
    };
  };
}
