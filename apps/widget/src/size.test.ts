// Size budget: embed.js is on every landing page, so it must stay at most 12 KB gzipped. The
// test builds the bundle itself (into a temp dir) so it can never measure a stale file.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(path.join(tmpdir(), 'kl-widget-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it('builds to one IIFE file of at most 12 KB gzipped', async () => {
  await build({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir },
  });
  expect(readdirSync(outDir)).toEqual(['embed.js']);
  const code = readFileSync(path.join(outDir, 'embed.js'));
  const gz = gzipSync(code, { level: 9 }).length;
  console.log(`embed.js: ${code.length} bytes, ${gz} bytes gzipped`);
  expect(code.toString()).not.toMatch(/^\s*(import|export)\s/m);
  expect(code.toString()).not.toContain('document.cookie');
  expect(gz).toBeLessThanOrEqual(12 * 1024);
}, 60_000);
