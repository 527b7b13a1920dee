// Helpers for the api's integration tests: a real app on an ephemeral port over the test
// database and Redis, and a tiny cookie-keeping HTTP client.
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import pg from 'pg';
import type { Me } from '@kindling/shared';
import { createDb } from '@kindling/db';
import { assertRedisReachable, createProducerRedis, createWorkerRedis } from '@kindling/queue';
import { createHttpServer, type HttpTimeouts } from '@kindling/runtime';
import { startWorker } from '../../../worker/src/worker.js';
import { csvImportModule } from '../../../worker/src/modules/csv-import/index.js';
import { createHttpHandler } from '../../src/http-handler.js';
import type { AppDeps } from '../../src/deps.js';

export interface TestApi {
  url: string;
  deps: AppDeps;
  close: () => Promise<void>;
}

/**
 * Starts the api on 127.0.0.1 with DATABASE_URL/REDIS_URL from the test environment (or the
 * given URLs: a Redis database of a test's own, a proxy in front of Postgres), optionally with
 * shorter server timeouts.
 */
export async function startTestApi(
  config: Partial<AppDeps['config']> = {},
  options: { databaseUrl?: string; redisUrl?: string; timeouts?: Partial<HttpTimeouts> } = {},
): Promise<TestApi> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl)
    throw new Error('DATABASE_URL and REDIS_URL must be set (vitest integration project)');
  const deps: AppDeps = {
    db: createDb(databaseUrl, { poolSize: 4 }),
    pgPool: new pg.Pool({ connectionString: databaseUrl, max: 4 }),
    redis: createProducerRedis(redisUrl),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    config: {
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      trustProxy: 1,
      appSecret: 'test-secret-0123456789abcdef0123456789abcdef',
      version: 'test',
      checkResponses: true,
      ...config,
    },
  };
  await assertRedisReachable(deps.redis, redisUrl);
  const server = createHttpServer(createHttpHandler(deps), options.timeouts).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await deps.db.$disconnect();
      await deps.pgPool.end();
      deps.redis.disconnect();
    },
  };
}

/**
 * A real worker running the CSV import module for this api's queue prefix (imports are the
 * worker's job): the BullMQ connection, Postgres and the prefix of `api`.
 */
export async function startImportWorker(api: TestApi): Promise<{ close: () => Promise<void> }> {
  const databaseUrl = process.env.DATABASE_URL!;
  const redis = createWorkerRedis(process.env.REDIS_URL!);
  const worker = await startWorker({
    db: api.deps.db,
    redis,
    logger: api.deps.logger,
    concurrency: 1,
    prefix: api.deps.config.queuePrefix ?? 'bull',
    modules: [csvImportModule],
    config: {
      appSecret: api.deps.config.appSecret,
      publicUrl: api.deps.config.publicUrl,
      trackingUrl: api.deps.config.trackingUrl,
      imports: { databaseUrl, heartbeatMs: 500 },
    },
  });
  return {
    close: async () => {
      await worker.close();
      redis.disconnect();
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client with its own cookie jar and its own client IP (X-Forwarded-For). */
export class Client {
  cookie = '';
  readonly ip = `10.${rand()}.${rand()}.${rand()}`;
  bearer: string | null = null;
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        'x-forwarded-for': this.ip,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body: unknown = {}) => this.request<T>('POST', path, body);
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);
}

function rand() {
  return Math.floor(Math.random() * 250) + 1;
}

/** A unique, valid email address for one test. */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.test`;
}

/** Signs up a fresh user with their own workspace; returns the signed-in client. */
export async function signUp(api: TestApi, tag = 'user', workspaceName = `${tag} workspace`) {
  const client = new Client(api.url);
  const email = uniqueEmail(tag);
  const password = 'correct horse battery';
  const res = await client.post('/api/auth/signup', { name: tag, email, password, workspaceName });
  if (res.status !== 201)
    throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { client, email, password, me: res.body as Me };
}
