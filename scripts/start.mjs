#!/usr/bin/env node
// `npm start`: installs, builds, migrates, seeds the demo workspace and runs api + worker +
// tracking, serving the built web app and embed.js. Uses only Node built-ins until `npm ci` ran.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, checkServices } from './lib/services.mjs';
import { run } from './lib/run.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const step = (msg) => console.log(`\n▶ ${msg}`);

// 1. Install when node_modules is missing or older than the lock file.
const lock = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules', '.package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  step('Installing dependencies (npm ci)');
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root });
}

// 2. Configuration: environment first, then defaults for a local install.
const stateDir = path.join(root, '.kindling');
mkdirSync(stateDir, { recursive: true });
const secretFile = path.join(stateDir, 'app-secret');
if (!process.env.APP_SECRET && !existsSync(secretFile)) {
  writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
}
const apiPort = Number(process.env.PORT ?? 3000);
const trackingPort = Number(process.env.TRACKING_PORT ?? 3001);
const workerHealthPort = Number(process.env.HEALTH_PORT ?? 3002);
// The demo (on unless KINDLING_DEMO=0): its landing page is served on an origin of its own.
const demo = process.env.KINDLING_DEMO !== '0';
const demoPort = Number(process.env.DEMO_PORT ?? 3003);
const landingUrl = `http://localhost:${demoPort}/`;
const env = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'production',
  DATABASE_URL: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  APP_SECRET: process.env.APP_SECRET ?? readFileSync(secretFile, 'utf8').trim(),
  PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${apiPort}`,
  TRACKING_URL: process.env.TRACKING_URL ?? `http://localhost:${trackingPort}`,
  WEB_DIST: process.env.WEB_DIST ?? path.join(root, 'apps/web/dist'),
  WIDGET_DIST: process.env.WIDGET_DIST ?? path.join(root, 'apps/widget/dist'),
  KINDLING_DEMO: demo ? '1' : '0',
  DEMO_LANDING_URL: landingUrl,
};

// 3. Services must be up before anything else; say which one is missing and how to start it.
step('Checking PostgreSQL and Redis');
const problems = await checkServices(env.DATABASE_URL, env.REDIS_URL);
if (problems.length) {
  console.error(`\n${problems.join('\n')}`);
  process.exit(1);
}
const { ensureDatabase } = await import('./lib/services.mjs');
await ensureDatabase(env.DATABASE_URL);

// 4. Build, migrate, seed.
step('Building');
await run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, env });
step('Applying database migrations');
await run(process.execPath, ['scripts/prisma.mjs', 'migrate', 'deploy'], { cwd: root, env });
step(demo ? 'Seeding the demo workspace (KINDLING_DEMO=0 starts empty)' : 'Seeding the demo login');
await run(process.execPath, ['apps/api/dist/seed.js'], { cwd: root, env });
const landing = demo ? await serveLanding(demoPort) : null;

// 5. Run the three processes; stop them all when one dies or on Ctrl-C / SIGTERM.
step('Starting api, worker and tracking');
const procs = [
  // A small young generation keeps the api flat under 150 MB while it streams CSV (bench/csv-export).
  ['api', ['--max-semi-space-size=2', 'apps/api/dist/main.js'], { PORT: String(apiPort) }],
  ['worker', ['apps/worker/dist/main.js'], { HEALTH_PORT: String(workerHealthPort) }],
  ['tracking', ['apps/tracking/dist/main.js'], { PORT: String(trackingPort) }],
].map(([name, args, extra]) => {
  const child = spawn(process.execPath, ['--enable-source-maps', ...args], {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}]`.padEnd(11);
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        process.stdout.write(`${prefix}${buf.slice(0, nl)}\n`);
        buf = buf.slice(nl + 1);
      }
    });
  }
  return { name, child };
});

let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  landing?.close();
  for (const { child } of procs) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 11_000).unref();
  Promise.all(
    procs.map(({ child }) =>
      child.exitCode !== null ? null : new Promise((r) => child.once('exit', r)),
    ),
  ).then(() => process.exit(code));
}
for (const { name, child } of procs) {
  child.once('exit', (code) => {
    if (!stopping) {
      console.error(`${name} exited (${code}); stopping the others`);
      stopAll(1);
    }
  });
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function waitReady(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      /* not yet listening */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
const ready = await Promise.all([
  waitReady(`http://127.0.0.1:${apiPort}/readyz`),
  waitReady(`http://127.0.0.1:${trackingPort}/readyz`),
  waitReady(`http://127.0.0.1:${workerHealthPort}/readyz`),
]);
if (!ready.every(Boolean)) {
  console.error('Kindling did not become ready within 60 s; see the logs above.');
  stopAll(1);
} else {
  console.log(`
  Kindling is running.
    Web app     ${env.PUBLIC_URL}
    Embed       ${env.PUBLIC_URL}/embed.js
    API docs    ${env.PUBLIC_URL}/api/openapi.json
    Tracking    ${env.TRACKING_URL}
    Demo login  demo@kindling.local / kindling-demo
${demo ? `    Landing page  ${landingUrl}  (the demo form: a submission starts the drip; its mail is in Sending → Outbox)\n` : ''}
  Ctrl-C stops everything.
`);
}

/**
 * The hosted demo landing page: a tiny static server on its own port (so its origin is not the
 * api's) whose one page embeds the demo form with the one script tag a customer would paste.
 */
async function serveLanding(port) {
  const { createServer } = await import('node:http');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Growth Newsletter (Kindling demo landing page)</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1c1b19; background: #fcfcfb; }
  main { max-width: 40rem; margin: 0 auto; padding: 3rem 1.25rem; }
  h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .5rem; }
  .note { margin-top: 2rem; font-size: .875rem; color: #5a5751; }
</style>
</head>
<body>
<main>
  <h1>One practical growth idea, every week</h1>
  <p>Join the Acme Growth Newsletter: a short email with one idea you can use the same day.</p>
  <script src="${env.PUBLIC_URL}/embed.js" data-form="frm_demo_newsletter" async></script>
  <p class="note">This page is the Kindling demo: the form above is the one script tag a customer
  pastes. A submission becomes a lead, starts the three-email welcome drip, and its first email
  lands in the Outbox (Sending → Outbox) of the demo workspace within seconds.</p>
</main>
</body>
</html>
`;
  const server = createServer((req, res) => {
    const found = (req.url ?? '/').split('?')[0] === '/';
    res.writeHead(found ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(found ? html : 'not found');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, process.env.HOST ?? '127.0.0.1', resolve);
  });
  return server;
}
