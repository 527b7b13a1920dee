// Malformed requests: each answers a 4xx with a message, never a 500 and never a hang. One test
// per case found by probing the api as a stranger (issue "Trust 2").
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

let api: TestApi;
let owner: Awaited<ReturnType<typeof signUp>>;
let publicId: string;

beforeAll(async () => {
  api = await startTestApi(
    {
      submissionsStream: `malformed-${randomUUID()}`,
      formRateLimits: { perIp: 1000, perForm: 1000 },
    },
    { timeouts: { bodyIdleMs: 300 } },
  );
  owner = await signUp(api, 'malformed');
  const form = await owner.client.post('/api/forms', {
    name: 'Malformed',
    fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
  });
  expect(form.status).toBe(201);
  publicId = form.body.publicId;
});
afterAll(async () => {
  await api?.deps.redis.del(api.deps.config.submissionsStream!).catch(() => undefined);
  await api?.close();
});

/** Asserts a JSON error answer with this status and a message. */
function expectError(res: { status: number; body: unknown }, status: number, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const error = (res.body as { error?: { message?: unknown } }).error;
  expect(typeof error?.message).toBe('string');
  if (message) expect(error!.message).toMatch(message);
}

/** Sends `raw` on a fresh connection and reads until the server closes it. */
function rawExchange(raw: string): Promise<string> {
  const { port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('malformed requests', () => {
  it('a percent-broken session cookie is no session (401), not a 500', async () => {
    const client = new Client(api.url);
    const res = await client.request('GET', '/api/auth/me', undefined, { cookie: 'kl_session=%' });
    expectError(res, 401, /Sign in/);
    // On a public route it is simply ignored.
    const def = await client.request('GET', `/api/public/forms/${publicId}`, undefined, {
      cookie: 'kl_session=%E0%A4%A',
    });
    expect(def.status).toBe(200);
  });

  it('a %00 public form id is a 404 on every public route', async () => {
    const client = new Client(api.url);
    expectError(await client.get('/api/public/forms/%00'), 404);
    expectError(await client.get('/api/public/forms/%00/thanks'), 404);
    expectError(await client.request('OPTIONS', '/api/public/forms/%00/submissions'), 404);
    expectError(await client.post('/api/public/forms/%00/submissions', { email: 'a@b.co' }), 404);
    const form = await client.request(
      'POST',
      '/api/public/forms/%00/submissions',
      'email=a%40b.co',
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    );
    expect(form.status).toBe(404);
  });

  it('Content-Encoding: gzip over a body that is not gzip is a 400 that says so', async () => {
    const client = new Client(api.url);
    const junk = { 'content-encoding': 'gzip' };
    expectError(
      await client.request(
        'POST',
        `/api/public/forms/${publicId}/submissions`,
        '{"email":"a@b.co"}',
        junk,
      ),
      400,
      /decompressed/,
    );
    expectError(
      await client.request('POST', '/api/auth/login', '{"email":"a@b.co","password":"x"}', junk),
      400,
      /decompressed/,
    );
    // Real gzip still works, and an unknown encoding is a 415.
    const real = await fetch(`${api.url}/api/public/forms/${publicId}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ email: `${randomUUID()}@example.test`, _elapsed: 5000 })),
    });
    expect(real.status).toBe(202);
    expectError(
      await client.request('POST', '/api/auth/login', '{}', { 'content-encoding': 'zstd-nope' }),
      415,
    );
  });

  it('?q=%00 on the leads list and the export is a 4xx', async () => {
    expectError(await owner.client.get('/api/leads?q=%00'), 422, /invalid/);
    expectError(await owner.client.get('/api/leads/export.csv?q=%00'), 422, /invalid/);
    // Invalid UTF-8 in a query is kept as the literal text (a search that finds nothing).
    expect((await owner.client.get('/api/leads/export.csv?q=%ED%A0%80')).status).toBe(200);
  });

  it('a cursor whose date is not a date (or whose id is not a uuid) is a 400', async () => {
    const id = randomUUID();
    const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of [
      ['not a date', id],
      ['2026-02-31T00:00:00.000Z', id],
      ['0000-01-01T00:00:00.000Z', id],
      ['2026-01-01T00:00:00.000Z', '------------------------------------'],
    ]) {
      expectError(await owner.client.get(`/api/leads?cursor=${cursor(bad)}`), 400, /cursor/);
    }
    expectError(
      await owner.client.get(`/api/leads?sort=email&cursor=${cursor(['a\u0000', id])}`),
      400,
      /cursor/,
    );
    // A good one still pages.
    expect(
      (await owner.client.get(`/api/leads?cursor=${cursor(['2026-01-01T00:00:00.000Z', id])}`))
        .status,
    ).toBe(200);
  });

  it('a request that declares more body than it sends is answered 408, on both paths', async () => {
    for (const path of [`/api/public/forms/${publicId}/submissions`, '/api/auth/login']) {
      const answer = await rawExchange(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email":`,
      );
      expect(answer, path).toMatch(/^HTTP\/1\.1 408 /);
    }
    // The server is still answering everyone else.
    expect((await new Client(api.url).get('/healthz')).status).toBe(200);
  });
});
