// Starts the built product (api, worker, tracking) as real processes against the test database,
// the way `npm start` runs them, on free ports. Used by end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/lib/net.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Product {
  apiUrl: string;
  trackingUrl: string;
  workerHealthUrl: string;
  env: Record<string, string>;
  logs: () => string;
  stop: () => Promise<void>;
}

/** A free TCP port on 127.0.0.1 (one implementation for scripts, tests and benchmarks). */
export { freePort };

/** Polls `url` until it answers 2xx; throws with the logs after `timeoutMs`. */
export async function waitFor(url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last}). Logs:\n${logs()}`);
}

export function runNode(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** Starts api + worker + tracking from their dist bundles; seeds the demo workspace first. */
export async function startProduct(extraEnv: Record<string, string> = {}): Promise<Product> {
  for (const app of ['api', 'worker', 'tracking']) {
    if (!existsSync(path.join(root, `apps/${app}/dist/main.js`))) {
      throw new Error(
        `apps/${app}/dist/main.js is missing: run \`npm run build\` (npm test does it)`,
      );
    }
  }
  const [apiPort, trackingPort, healthPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
  ]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const trackingUrl = `http://127.0.0.1:${trackingPort}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: process.env.REDIS_URL!,
    APP_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef',
    PUBLIC_URL: apiUrl,
    TRACKING_URL: trackingUrl,
    WEB_DIST: path.join(root, 'apps/web/dist'),
    WIDGET_DIST: path.join(root, 'apps/widget/dist'),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    // Sending: the dev mail catcher and the inbound bounce listener on ephemeral loopback ports.
    DEV_SMTP_PORT: '0',
    INBOUND_SMTP_PORT: '0',
    // This product's own form submissions stream: another run's worker on the same Redis db
    // would otherwise drain it.
    SUBMISSIONS_STREAM: `e2e:form-submissions:${randomUUID()}`,
    // Every test posts from 127.0.0.1 into the suite's one Redis, where the per-IP window is
    // shared with whatever other tests posted in the last minute: a test of the limit sets its own.
    FORM_RATE_LIMIT_PER_IP: '100000',
    // The tests share the demo login's workspace: no demo data in it unless a test asks.
    KINDLING_DEMO: '0',
    ...extraEnv,
  };
  const seeded = await runNode(['apps/api/dist/seed.js'], env);
  if (seeded.code !== 0) throw new Error(`seed failed:\n${seeded.output}`);

  let output = '';
  const children: ChildProcess[] = [];
  const launch = (name: string, extra: Record<string, string>) => {
    const child = spawn(process.execPath, ['--enable-source-maps', `apps/${name}/dist/main.js`], {
      cwd: root,
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (output += `[${name}] ${c.toString()}`));
    child.stderr.on('data', (c: Buffer) => (output += `[${name}] ${c.toString()}`));
    children.push(child);
  };
  launch('api', { PORT: String(apiPort) });
  launch('worker', { HEALTH_PORT: String(healthPort) });
  launch('tracking', { PORT: String(trackingPort) });
  const logs = () => output;
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    await Promise.all([
      waitFor(`${apiUrl}/readyz`, 30_000, logs),
      waitFor(`${trackingUrl}/readyz`, 30_000, logs),
      waitFor(`http://127.0.0.1:${healthPort}/readyz`, 30_000, logs),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    apiUrl,
    trackingUrl,
    workerHealthUrl: `http://127.0.0.1:${healthPort}`,
    env,
    logs,
    stop,
  };
}
