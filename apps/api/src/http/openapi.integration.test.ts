import type { AddressInfo } from 'node:net';
import express from 'express';
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allRoutes } from '../app.js';
import { Client, startTestApi, type TestApi } from '../../test/support/testing.js';
import { errorHandler } from './errors.js';
import { requestLogger } from './observability.js';
import { defineRoute, mountRoutes, routeKey, type AnyRoute } from './route.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ metricsToken: 'api-metrics-token-0123' });
});
afterAll(async () => {
  await api.close();
});

it('documents every declared route, with request schemas from the same zod schemas', async () => {
  const res = await new Client(api.url).get('/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.body.openapi).toBe('3.1.0');
  // Every webhook event type is documented with its payload schema.
  const hooks = res.body.webhooks as Record<string, any>;
  expect(Object.keys(hooks)).toEqual(
    expect.arrayContaining(['lead.created', 'message.clicked', 'sending.paused']),
  );
  const clicked = hooks['message.clicked'].post.requestBody.content['application/json'].schema;
  expect(clicked.properties.type.const).toBe('message.clicked');
  expect(clicked.properties.data.required).toEqual(expect.arrayContaining(['machine', 'url']));
  for (const route of allRoutes(api.deps)) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    expect(res.body.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
  }
  const signup = res.body.paths['/api/auth/signup'].post;
  const schema = signup.requestBody.content['application/json'].schema;
  expect(schema.required).toEqual(
    expect.arrayContaining(['email', 'password', 'name', 'workspaceName']),
  );
  expect(schema.properties.password.minLength).toBe(10);
});

it('serves health, readiness, and metrics only with the metrics token', async () => {
  const client = new Client(api.url);
  expect((await client.get('/healthz')).status).toBe(200);
  const ready = await client.get('/readyz');
  expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  expect((await client.get('/metrics')).status).toBe(401);
  client.bearer = 'wrong-token';
  expect((await client.get('/metrics')).status).toBe(401);
  client.bearer = 'api-metrics-token-0123';
  const metrics = await client.get('/metrics');
  expect(metrics.status).toBe(200);
  expect(String(metrics.body)).toContain('kindling_api_http_request_duration_seconds');
});

it('every route declares its answer: a response schema, an HTML page, or status 204', () => {
  const missing = allRoutes(api.deps)
    .filter((r) => !r.response && r.status !== 204)
    .map(routeKey);
  expect(missing, 'routes without a response schema (or status: 204)').toEqual([]);
});

it('in the tests, an answer outside its declared response is a 500 naming the route', async () => {
  const routes: AnyRoute[] = [
    defineRoute({
      method: 'get',
      path: '/ok',
      summary: 'ok',
      tag: 't',
      auth: 'public',
      response: z.object({ n: z.number() }),
      handler: () => Promise.resolve({ n: 1 }),
    }),
    defineRoute({
      method: 'get',
      path: '/drift',
      summary: 'a handler whose answer drifted from its schema at run time',
      tag: 't',
      auth: 'public',
      response: z.object({ n: z.number() }),
      handler: () => Promise.resolve(JSON.parse('{"n":"one"}') as { n: number }),
    }),
    defineRoute({
      method: 'delete',
      path: '/none',
      summary: 'a 204 route that answers a body',
      tag: 't',
      auth: 'public',
      status: 204,
      handler: () => Promise.resolve(JSON.parse('{"surprise":true}') as undefined),
    }),
  ];
  const serve = async (checkResponses: boolean) => {
    const app = express();
    app.use(requestLogger(api.deps.logger));
    const router = express.Router();
    mountRoutes(
      router,
      routes,
      () => (req, _res, next) => {
        req.auth = null;
        next();
      },
      { checkResponses },
    );
    app.use(router);
    app.use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new Client(url);
    const answers = {
      ok: await client.get('/ok'),
      drift: await client.get('/drift'),
      none: await client.delete('/none'),
    };
    server.close();
    return answers;
  };
  const checked = await serve(true);
  expect(checked.ok.status).toBe(200);
  expect(checked.drift.status).toBe(500);
  expect(checked.none.status).toBe(500);
  const unchecked = await serve(false);
  expect(unchecked.drift.status).toBe(200);
  expect(unchecked.drift.body).toEqual({ n: 'one' });
});
