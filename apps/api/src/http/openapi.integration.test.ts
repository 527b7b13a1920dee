import { afterAll, beforeAll, expect, it } from 'vitest';
import { allRoutes } from '../app.js';
import { Client, startTestApi, type TestApi } from '../testing.js';

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
  expect(res.body.openapi).toBe('3.0.3');
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
