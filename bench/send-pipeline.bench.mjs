// Send pipeline throughput: messages per second from the queue into Postfix's smtp-sink through
// the whole pipeline (built worker process: email.send job, Postgres reload, suppression check,
// warm-up limiter in Redis, claim, message building, pooled SMTP, result recorded), against a
// bare nodemailer pool with the same connection count sending the same body into the same sink.
// Both sides set TCP_NODELAY (Kindling's transports do; without it both are capped near
// 20 messages/s per connection by delayed ACKs and the comparison says nothing).
// Own database (created and dropped) and its own Redis db; rounds interleaved.
// Knobs: BENCH_SEND_MESSAGES (1500 a round), BENCH_SEND_CONCURRENCY (the worker's SEND_CONCURRENCY),
// BENCH_SEND_NODE_ARGS (node flags for the worker, e.g. --cpu-prof), BENCH_SEND_DEBUG (statuses
// and the worker's log every 5 s of a round), BENCH_SEND_WORKER (another built worker's main.js,
// e.g. a build of an earlier commit, to compare two versions under the same machine load).
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { interleaved, pairedRatio, medianOf } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';
import { processCpuSeconds } from './lib/server.mjs';
import { freePort, waitTcp } from '../scripts/lib/net.mjs';

export const name = 'send-pipeline';
export const description =
  'email.send pipeline into smtp-sink vs bare nodemailer pool, same connections and sink';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_SEND_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const N = Number(process.env.BENCH_SEND_MESSAGES ?? 1500);
const CONNECTIONS = 5;
const HTML = `<html><body><h1>Hello {{first_name}}</h1>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. <a href="https://example.com/read">Read more</a></p>'.repeat(12)}</body></html>`;

function stop(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function runBaseline(sinkPort) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'bench/fixtures/nodemailer-pool-loop.mjs')],
      {
        cwd: root,
        env: {
          ...process.env,
          NODELAY: '1',
          SINK_PORT: String(sinkPort),
          N: String(N),
          CONNECTIONS: String(CONNECTIONS),
          HTML: HTML.replace('{{first_name}}', 'Ann'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`baseline exited ${code}: ${err}`));
      const r = JSON.parse(out);
      if (r.failed) return reject(new Error(`baseline: ${r.failed} sends failed`));
      resolve({
        messagesPerSec: (N / r.ms) * 1000,
        ms: r.ms,
        messagesPerCpuSec: N / (r.cpuMs / 1000),
      });
    });
  });
}

export async function run({ rounds, log }) {
  const dbName = `kindling_bench_send_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  const dbUrl = new URL(PG_ADMIN);
  dbUrl.pathname = `/${dbName}`;
  let sink;
  let worker;
  let db;
  let redis;
  let queue;
  try {
    await admin.query(`CREATE DATABASE "${dbName}"`);
    execFileSync(process.execPath, [path.join(root, 'scripts/prisma.mjs'), 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: dbUrl.toString() },
      stdio: 'pipe',
    });

    const sinkPort = await freePort();
    sink = spawn(
      '/usr/sbin/smtp-sink',
      ['-u', os.userInfo().username, `127.0.0.1:${sinkPort}`, '512'],
      { stdio: 'ignore' },
    );
    await waitTcp(sinkPort, sink, 'smtp-sink');

    // The identity's relay URL is stored encrypted, as the api stores it.
    const sealed = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "import { encryptSecret } from './packages/sending/src/secrets.ts'; process.stdout.write(encryptSecret(process.env.S, process.env.U));",
      ],
      {
        cwd: root,
        env: { ...process.env, S: SECRET, U: `smtp://127.0.0.1:${sinkPort}?tls=off` },
        encoding: 'utf8',
      },
    );
    db = new pg.Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const ws = (
      await db.query(
        `INSERT INTO "Workspace" (id, name, "postalAddress", "updatedAt") VALUES (gen_random_uuid(), 'bench', '1 Bench Road, Benchville', now()) RETURNING id`,
      )
    ).rows[0].id;
    const identity = (
      await db.query(
        `INSERT INTO "SendingIdentity" (id, "workspaceId", name, "fromName", "fromEmail", "smtpUrlEncrypted", "poolSize", "ipPool", "returnPathDomain", "updatedAt")
         VALUES (gen_random_uuid(), $1, 'bench', 'Bench', 'news@bench.kindling.test', $2, $3, 'bench-pool', 'bench.kindling.test', now()) RETURNING id`,
        [ws, sealed, CONNECTIONS],
      )
    ).rows[0].id;
    // A warm-up plan far above the volume: the limiter runs for every message but never holds one.
    await db.query(
      `INSERT INTO "WarmupPlan" (id, "workspaceId", scope, key, schedule, "sendStartHour", "sendEndHour", "updatedAt")
       VALUES (gen_random_uuid(), $1, 'ip_pool', 'bench-pool', ARRAY[100000000], 0, 24, now())`,
      [ws],
    );

    const healthPort = await freePort();
    let workerLog = '';
    // BENCH_SEND_NODE_ARGS: extra node flags for the worker, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
    // to see where its time goes (the profile is written when the worker exits at the end).
    const nodeArgs = (process.env.BENCH_SEND_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const workerMain = process.env.BENCH_SEND_WORKER ?? path.join(root, 'apps/worker/dist/main.js');
    worker = spawn(process.execPath, [...nodeArgs, workerMain], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: dbUrl.toString(),
        REDIS_URL,
        APP_SECRET: SECRET,
        HEALTH_PORT: String(healthPort),
        HOST: '127.0.0.1',
        DEV_SMTP_PORT: '0',
        INBOUND_SMTP_PORT: '-1',
        // The operator's explicit allowance for the loopback smtp-sink (tenants' relays are guarded).
        EGRESS_ALLOW: `127.0.0.1:${sinkPort}`,
        CONCURRENCY: '25',
        // email.send runs at the product default (SEND_CONCURRENCY, 50) unless told otherwise.
        ...(process.env.BENCH_SEND_CONCURRENCY
          ? { SEND_CONCURRENCY: process.env.BENCH_SEND_CONCURRENCY }
          : {}),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout.on('data', (c) => (workerLog += c));
    worker.stderr.on('data', (c) => (workerLog += c));
    await waitTcp(healthPort, worker, `worker (${workerLog})`);

    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('email', { connection: redis });
    let batch = 0;
    const pipeline = async () => {
      batch++;
      // Rows and jobs are in place before the clock starts; the queue is paused meanwhile.
      await queue.pause();
      const ids = (
        await db.query(
          `INSERT INTO "Message" (id, "workspaceId", kind, "identityId", "toEmail", subject, html, "messageIdHeader", "updatedAt")
           SELECT gen_random_uuid(), $1, 'test', $2, 'lead' || g || '-' || $3 || '@example.org', 'Hello {{first_name}}', $4, '<' || gen_random_uuid() || '@bench.kindling.test>', now()
           FROM generate_series(1, $5) g RETURNING id`,
          [ws, identity, batch, HTML, N],
        )
      ).rows.map((r) => r.id);
      await queue.addBulk(
        ids.map((id) => ({
          name: 'email.send',
          data: { messageId: id },
          opts: {
            jobId: `send-${id}` /* emailSendJobId */,
            attempts: 8,
            backoff: { type: 'exponential', delay: 5000 },
            removeOnComplete: true,
          },
        })),
      );
      const t0 = performance.now();
      const wall0 = Date.now();
      const cpu0 = processCpuSeconds(worker.pid);
      await queue.resume();
      let lastSentAt = 0;
      for (;;) {
        // Polled every 50 ms; the round ends at the last row's sentAt (same host clock), so the
        // poll interval adds no error and the poll itself little load on the shared Postgres.
        const { rows } = await db.query(
          `SELECT status, count(*)::int AS n, (extract(epoch FROM max("sentAt")) * 1000)::float8 AS last FROM "Message" WHERE id = ANY($1) GROUP BY status`,
          [ids],
        );
        const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
        if ((by.sent ?? 0) === N) {
          lastSentAt = rows.find((r) => r.status === 'sent').last;
          break;
        }
        const bad = Object.entries(by).filter(([s]) => !['sent', 'queued', 'sending'].includes(s));
        if (bad.length)
          throw new Error(
            `pipeline: unexpected statuses ${JSON.stringify(by)}\n${workerLog.slice(-2000)}`,
          );
        if (process.env.BENCH_SEND_DEBUG && performance.now() - (pipeline.lastLog ?? 0) > 5_000) {
          pipeline.lastLog = performance.now();
          log(
            `statuses ${JSON.stringify(by)} jobs ${JSON.stringify(await queue.getJobCounts())}\n${workerLog.slice(-1000)}`,
          );
        }
        if (performance.now() - t0 > 120_000)
          throw new Error(`pipeline: not done after 120 s: ${JSON.stringify(by)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const cpu1 = processCpuSeconds(worker.pid);
      const ms = Math.max(1, lastSentAt - wall0);
      return {
        messagesPerSec: (N / ms) * 1000,
        ms,
        messagesPerCpuSec: N / (cpu1 - cpu0),
        detectedMs: performance.now() - t0,
      };
    };
    log(
      `${N} messages per round, ${CONNECTIONS} SMTP connections each side, smtp-sink on ${sinkPort}, database ${dbName}`,
    );
    const results = await interleaved(
      { baseline: () => runBaseline(sinkPort), kindling: pipeline },
      {
        rounds,
        log,
        warmup: (variant) => (variant === 'baseline' ? runBaseline(sinkPort) : pipeline()),
      },
    );
    return {
      metrics: {
        baseline_msgs_per_s: round(medianOf(results.baseline, 'messagesPerSec'), 0),
        kindling_msgs_per_s: round(medianOf(results.kindling, 'messagesPerSec'), 0),
        // Per CPU-second of the sending process (the worker; the baseline's loop): steadier than
        // wall-clock rates on a shared machine. Informational.
        baseline_msgs_per_cpu_s: round(medianOf(results.baseline, 'messagesPerCpuSec'), 0),
        kindling_worker_msgs_per_cpu_s: round(medianOf(results.kindling, 'messagesPerCpuSec'), 0),
      },
      ratios: [
        {
          name: 'pipeline/bare nodemailer messages/s',
          value: round(pairedRatio(results.kindling, results.baseline, 'messagesPerSec'), 3),
          target: 0.7,
          floor: 0.5,
        },
      ],
      details: { messagesPerRound: N, connections: CONNECTIONS, rounds: results },
    };
  } finally {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    await stop(worker);
    await stop(sink);
    await db?.end();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
