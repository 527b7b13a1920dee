#!/usr/bin/env node
// `npm test`: the whole suite. Installs the Debian packages of its real peers when missing
// (scripts/system-packages.txt; as root with apt, else says the command), checks PostgreSQL,
// recreates the test database, starts the suite's own redis-server on a free port (unless
// TEST_REDIS_URL names one), builds what the end-to-end tests run, runs every vitest project
// (unit, integration, e2e) and ends with one line `N passed, N failed`. Nothing outside its own
// database and Redis is touched, so it can run beside `npm start`.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkServices, ensureDatabase } from './lib/services.mjs';
import { run } from './lib/run.mjs';
import { startPrivateRedis } from './lib/private-redis.mjs';
import { ensureSystemPackages } from './lib/system-packages.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const databaseUrl =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kindling_test';
const extraArgs = process.argv.slice(2);

function summary(passed, failed) {
  console.log(`${passed} passed, ${failed} failed`);
}

// The real peers first (Chromium, Postfix, dnsmasq, redis-server...): installed here when this
// runs as root with apt, otherwise the one command to run, before anything else happens.
const missingPackages = ensureSystemPackages();
if (missingPackages) {
  console.error(missingPackages);
  summary(0, 1);
  process.exit(1);
}

let redisUrl = process.env.TEST_REDIS_URL;
const problems = await checkServices(databaseUrl, redisUrl);
if (problems.length) {
  console.error(problems.join('\n'));
  summary(0, 1);
  process.exit(1);
}
await ensureDatabase(databaseUrl, { fresh: true });
let privateRedis = null;
if (!redisUrl) {
  try {
    privateRedis = await startPrivateRedis();
  } catch (err) {
    console.error(String(err.message ?? err));
    summary(0, 1);
    process.exit(1);
  }
  redisUrl = privateRedis.url;
  console.log(`test Redis: private redis-server at ${redisUrl}`);
}

try {
  await run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root });
} catch (err) {
  console.error(String(err));
  summary(0, 1);
  process.exit(1);
}

const report = path.join(mkdtempSync(path.join(tmpdir(), 'kindling-vitest-')), 'report.json');
let exitError = null;
try {
  await run(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...extraArgs,
    ],
    {
      cwd: root,
      env: { ...process.env, TEST_DATABASE_URL: databaseUrl, TEST_REDIS_URL: redisUrl },
    },
  );
} catch (err) {
  exitError = err;
}

let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
  // A file that failed to load counts as a failure even if it reported no tests.
  if (exitError && failed === 0) failed = 1;
} catch {
  failed = Math.max(failed, 1);
}
await privateRedis?.stop();
summary(passed, failed);
process.exit(exitError || failed ? 1 : 0);
