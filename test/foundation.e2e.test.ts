// The product as a user meets it: processes started as `npm start` starts them, the demo login,
// the workspace shell in a real browser, graceful shutdown, and fail-fast start-up errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { runNode, startProduct, type Product } from './support/product.js';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

describe('the running product', () => {
  it('answers /readyz on api, tracking and worker', async () => {
    for (const base of [product.apiUrl, product.trackingUrl, product.workerHealthUrl]) {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      // The worker also lists its stream drains' health (apps/worker/src/health.ts).
      expect(await res.json()).toMatchObject({
        status: 'ready',
        checks: { postgres: 'ok', redis: 'ok' },
      });
    }
  });

  it('signs in with the demo credentials and shows the workspace shell', async () => {
    const page = await browser.newPage();
    await page.goto(`${product.apiUrl}/forms`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill('demo@kindling.local');
    await page.getByLabel('Password').fill('kindling-demo');
    await page.getByRole('button', { name: /log in|sign in/i }).click();
    await page.getByTestId('app-shell').waitFor();
    expect(await page.getByTestId('workspace-name').textContent()).toContain('Demo Workspace');
    for (const nav of ['Forms', 'Leads', 'Campaigns', 'Sending', 'Settings']) {
      await expect(page.getByRole('link', { name: nav, exact: true }).isVisible()).resolves.toBe(
        true,
      );
    }
    await page.close();
  });
});

describe('start-up failures', () => {
  const base = {
    PATH: process.env.PATH ?? '',
    APP_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef',
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: process.env.REDIS_URL!,
    PORT: '0',
    HEALTH_PORT: '0',
  };

  for (const app of ['api', 'worker', 'tracking']) {
    it(`${app}: an unreachable database and Redis fail fast with one message naming both`, async () => {
      const started = Date.now();
      const { code, output } = await runNode([`apps/${app}/dist/main.js`], {
        ...base,
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/kindling',
        REDIS_URL: 'redis://127.0.0.1:1',
      });
      expect(code).toBe(1);
      expect(output).toContain('PostgreSQL is not reachable at 127.0.0.1:1');
      expect(output).toContain('Redis is not reachable at 127.0.0.1:1');
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it(`${app}: invalid env variables are all listed`, async () => {
      const { code, output } = await runNode([`apps/${app}/dist/main.js`], {
        PATH: base.PATH,
        DATABASE_URL: 'mysql://nope',
        APP_SECRET: 'short',
      });
      expect(code).toBe(1);
      expect(output).toContain('invalid environment');
      expect(output).toContain('DATABASE_URL');
      expect(output).toContain('REDIS_URL: required, but not set');
      expect(output).toContain('APP_SECRET');
    });
  }

  const started = {
    api: 'api listening',
    worker: 'worker started',
    tracking: 'tracking listening',
  };
  for (const [app, line] of Object.entries(started)) {
    it(`${app} shuts down cleanly within 10 s of SIGTERM`, async () => {
      const { spawn } = await import('node:child_process');
      const { root } = await import('./support/product.js');
      const child = spawn(process.execPath, [`apps/${app}/dist/main.js`], {
        cwd: root,
        env: { ...base, LOG_LEVEL: 'info', HOST: '127.0.0.1' },
      });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes(line)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`${app} exited early (${code}): ${out}`)));
      });
      const sent = Date.now();
      child.kill('SIGTERM');
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(0);
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(out).toContain('shutting down');
    });
  }
});
