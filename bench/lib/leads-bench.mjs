// Shared set-up for the leads CSV benchmarks: their own database (created and migrated here,
// never another one), rows generated in SQL with generate_series, an API key, the api started
// from its build, and helpers to time external processes (psql, curl) and read peak RSS.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Sizes scale with BENCH_SCALE (default 1 = the 1M and 3M rows). */
export function scaled(n) {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  return Math.max(1000, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

export const serverUrl =
  process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The benchmark's own database URL (same server as BENCH_PG_URL). */
export function dbUrl(name) {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs SQL through psql; returns stdout (tuples only, unaligned). Throws with psql's message. */
export function psql(url, sql, { input } = {}) {
  const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

/** Drops and re-creates the database, then applies every migration with Prisma's offline CLI. */
export function createBenchDatabase(name, log) {
  if (!/^kindling_bench_[a-z_]+$/.test(name)) throw new Error(`refusing to recreate ${name}`);
  psql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(serverUrl, `CREATE DATABASE ${name}`);
  const url = dbUrl(name);
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'scripts/prisma.mjs'), 'migrate', 'deploy'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`migrate deploy failed: ${r.stderr || r.stdout}`);
  log(`database ${name} created and migrated`);
  return url;
}

export function dropBenchDatabase(name) {
  try {
    psql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } catch {
    /* best effort */
  }
}

/** A workspace with an owner and an API key; returns { workspaceId, apiKey }. */
export function createWorkspace(url) {
  const workspaceId = randomUUID();
  const apiKey = `kl_${randomBytes(32).toString('base64url')}`;
  const keyHash = createHash('sha256').update(apiKey).digest('hex');
  // A key acts with at most its creator's role, so it needs a creator who is a member.
  const userId = randomUUID();
  psql(
    url,
    `INSERT INTO "Workspace" (id, name, "updatedAt") VALUES ('${workspaceId}', 'Bench', now());
     INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES ('${userId}', 'bench-${userId}@example.com', 'Bench', 'none', now());
     INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES ('${randomUUID()}', '${workspaceId}', '${userId}', 'owner');
     INSERT INTO "ApiKey" (id, "workspaceId", name, prefix, "keyHash", scopes, "createdById") VALUES ('${randomUUID()}', '${workspaceId}', 'bench', '${apiKey.slice(0, 8)}', '${keyHash}', ARRAY['admin'], '${userId}');`,
  );
  return { workspaceId, apiKey };
}

/** Inserts leads number `from`..`to` for the workspace in one set-based statement. */
export function generateLeads(url, workspaceId, from, to) {
  psql(
    url,
    `INSERT INTO "Lead" (id, "workspaceId", email, "firstName", "lastName", phone, "customFields", tags, status, "firstUtmSource", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), '${workspaceId}', 'lead' || g || '@example.com', 'First' || g, 'Last, ' || (g % 1000),
            '+1 555 ' || lpad((g % 10000)::text, 4, '0'),
            jsonb_build_object('company', 'Company "' || (g % 5000) || '"', 'plan', CASE WHEN g % 3 = 0 THEN 'pro' ELSE 'free' END),
            ARRAY['tag' || (g % 10)], 'active', CASE WHEN g % 2 = 0 THEN 'google' ELSE 'newsletter' END,
            timestamp '2026-01-01' + (g || ' seconds')::interval, now()
     FROM generate_series(${from}, ${to}) g`,
  );
  psql(url, 'VACUUM ANALYZE "Lead"');
}

/** Starts the built api against the benchmark database. */
export async function startApi(url, redisUrl, extraEnv = {}) {
  return startServer(path.join(root, 'apps/api/dist/main.js'), {
    port: 'free',
    name: 'kindling api',
    timeoutMs: 30_000,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      APP_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
  });
}

/** Peak resident set size (VmHWM) of a process so far, in MB. */
export function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Current resident set size (VmRSS) in MB. */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/**
 * Runs a command to completion and resolves to { seconds, stdout, stderr }; rejects on a non-zero
 * exit. Samples `watchPid`'s RSS meanwhile when given (peak returned as peakRssMb).
 */
export function timed(command, args, { watchPid } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout = (stdout + c).slice(-4000)));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-4000)));
    let peak = 0;
    const sampler = watchPid
      ? setInterval(() => {
          try {
            peak = Math.max(peak, rssMb(watchPid));
          } catch {
            /* process gone */
          }
        }, 50)
      : null;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (sampler) clearInterval(sampler);
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) reject(new Error(`${command} exited ${code}: ${stderr}`));
      else resolve({ seconds, stdout, stderr, peakRssMb: peak });
    });
  });
}
