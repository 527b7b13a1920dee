// The worker's health server: metrics only with the token, and the shared server timeouts.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthServer } from './health.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(null));
});

async function start(token?: string): Promise<string> {
  const registry = new Registry();
  server = createHealthServer(
    registry,
    () => Promise.resolve({ checks: { postgres: 'ok' as const } }),
    token,
  );
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('worker health server', () => {
  it('serves /metrics only with the bearer token', async () => {
    const base = await start('worker-metrics-token-0123');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const bad = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    const ok = await fetch(`${base}/metrics`, {
      headers: { authorization: 'Bearer worker-metrics-token-0123' },
    });
    expect(ok.status).toBe(200);
  });

  it('keeps metrics off without a token', async () => {
    const base = await start();
    const res = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer x' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /METRICS_TOKEN/,
    );
  });
});
