// The crash scenario of email.send, shared by test/sending-crash.e2e.test.ts (short) and
// bench/crash-recovery.bench.mjs (full): two built worker processes send `messages` messages
// through a relay with `latencyMs` of latency per answer (a TCP proxy in front of Postfix's
// smtp-sink, which dumps every message it accepts to a file); one of them is SIGKILLed at `kills`
// random moments and restarted each time. Then every message is counted at the sink by its
// Message-ID and compared with its row. Plain ESM so the benchmark (plain .mjs) can use it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, waitTcp } from '../../scripts/lib/net.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A TCP proxy that delays every chunk the server sends by `ms` (order kept): a distant relay. */
function latencyProxy(targetPort, ms) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.on('data', (c) => upstream.write(c));
    upstream.on('data', (c) => setTimeout(() => client.writable && client.write(c), ms));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    ),
  );
}

function stop(child, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Runs the scenario; resolves to the counts. Options: databaseUrl and redisUrl (both the
 * scenario's own: it creates a workspace and uses BullMQ's default prefix), encrypt(url) (the
 * identity's sealed relay URL, as the api stores it), appSecret, messages, kills, poolSize,
 * latencyMs, heartbeatMs, log.
 */
export async function runCrashScenario(o) {
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-crash-sink-'));
  const sinkPort = await freePort();
  const sink = spawn(
    '/usr/sbin/smtp-sink',
    ['-u', os.userInfo().username, '-d', `${dir}/%M.`, `127.0.0.1:${sinkPort}`, '512'],
    { stdio: 'ignore' },
  );
  const db = new pg.Client({ connectionString: o.databaseUrl });
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('email', { connection: redis });
  const workers = [];
  let proxy;
  let logs = '';
  const start = async (slot) => {
    const healthPort = await freePort();
    const child = spawn(process.execPath, [path.join(root, 'apps/worker/dist/main.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: o.databaseUrl,
        REDIS_URL: o.redisUrl,
        APP_SECRET: o.appSecret,
        HEALTH_PORT: String(healthPort),
        HOST: '127.0.0.1',
        DEV_SMTP_PORT: '0',
        INBOUND_SMTP_PORT: '-1',
        SEND_HEARTBEAT_MS: String(o.heartbeatMs ?? 500),
        // The relay is the loopback proxy: an internal destination the operator allows.
        EGRESS_ALLOW: `127.0.0.1:${proxy.port}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c) => (logs = (logs + c).slice(-20_000)));
    child.stderr.on('data', (c) => (logs = (logs + c).slice(-20_000)));
    workers[slot] = child;
    await waitTcp(healthPort, child, () => `worker ${slot} (${logs.slice(-2000)})`);
  };
  try {
    await waitTcp(sinkPort, sink, () => 'smtp-sink');
    proxy = await latencyProxy(sinkPort, o.latencyMs);
    await db.connect();
    const ws = (
      await db.query(
        `INSERT INTO "Workspace" (id, name, "postalAddress", "updatedAt") VALUES (gen_random_uuid(), 'crash test', '1 Crash Road', now()) RETURNING id`,
      )
    ).rows[0].id;
    const identity = (
      await db.query(
        `INSERT INTO "SendingIdentity" (id, "workspaceId", name, "fromName", "fromEmail", "smtpUrlEncrypted", "poolSize", "ipPool", "returnPathDomain", "updatedAt")
         VALUES (gen_random_uuid(), $1, 'crash', 'Crash', 'news@crash.kindling.test', $2, $3, $4, 'crash.kindling.test', now()) RETURNING id`,
        [
          ws,
          o.encrypt(`smtp://127.0.0.1:${proxy.port}?tls=off`),
          o.poolSize,
          `crash-${randomUUID().slice(0, 8)}`,
        ],
      )
    ).rows[0].id;
    const rows = (
      await db.query(
        `INSERT INTO "Message" (id, "workspaceId", kind, "identityId", "toEmail", subject, html, "messageIdHeader", "updatedAt")
         SELECT gen_random_uuid(), $1, 'test', $2, 'lead' || g || '@example.org', 'Hello ' || g, '<p>Hello</p>', '<' || gen_random_uuid() || '@crash.kindling.test>', now()
         FROM generate_series(1, $3) g RETURNING id, "messageIdHeader" AS header`,
        [ws, identity, o.messages],
      )
    ).rows;
    await Promise.all([start(0), start(1)]);
    await queue.pause();
    await queue.addBulk(
      rows.map((r) => ({
        name: 'email.send',
        data: { messageId: r.id },
        opts: {
          jobId: `send-${r.id}`,
          attempts: 8,
          backoff: { type: 'exponential', delay: 5000 },
          removeOnComplete: true,
        },
      })),
    );
    const ids = rows.map((r) => r.id);
    const statuses = async () =>
      Object.fromEntries(
        (
          await db.query(
            `SELECT status::text, count(*)::int AS n FROM "Message" WHERE id = ANY($1) GROUP BY status`,
            [ids],
          )
        ).rows.map((r) => [r.status, r.n]),
      );
    const unfinished = (by) =>
      o.messages - (by.sent ?? 0) - (by.failed ?? 0) - (by.bounced ?? 0) - (by.suppressed ?? 0);

    const t0 = Date.now();
    await queue.resume();
    // Kills at random moments while mail is still going out, spread over the expected duration.
    const killTimes = [];
    // Half the calm duration for the kills: restarts take time, and the other worker goes on.
    const spread = (o.expectedMs ?? 10_000) / (o.kills + 1) / 2;
    for (let k = 0; k < o.kills; k++) {
      await new Promise((r) => setTimeout(r, spread * (0.4 + Math.random() * 1.2)));
      const by = await statuses();
      if ((by.queued ?? 0) + (by.held ?? 0) < 20) {
        log(`kill ${k + 1}: skipped, the queue is nearly empty (${JSON.stringify(by)})`);
        break;
      }
      const slot = Math.random() < 0.5 ? 0 : 1;
      await stop(workers[slot], 'SIGKILL');
      killTimes.push(Date.now() - t0);
      log(`kill ${k + 1} of worker ${slot} at ${Date.now() - t0} ms: ${JSON.stringify(by)}`);
      await start(slot);
    }
    let by;
    for (;;) {
      by = await statuses();
      if (unfinished(by) === 0) break;
      if (Date.now() - t0 > (o.timeoutMs ?? 300_000))
        throw new Error(
          `not all final after ${o.timeoutMs ?? 300_000} ms: ${JSON.stringify(by)}\n${logs.slice(-3000)}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    const msToAllFinal = Date.now() - t0;
    await Promise.all(workers.map((w) => stop(w)));

    // Count at the sink by Message-ID.
    const atSink = new Map();
    for (const f of readdirSync(dir)) {
      const m = /^Message-ID:\s*(<[^>]+>)/im.exec(readFileSync(path.join(dir, f), 'latin1'));
      if (m) atSink.set(m[1], (atSink.get(m[1]) ?? 0) + 1);
    }
    const final = (
      await db.query(
        `SELECT id::text, "messageIdHeader" AS header, status::text, "reviewAt" IS NOT NULL AS review FROM "Message" WHERE id = ANY($1)`,
        [ids],
      )
    ).rows;
    const count = (f) => final.filter(f).length;
    const delivered = (r) => (atSink.get(r.header) ?? 0) > 0;
    return {
      messages: o.messages,
      kills: killTimes.length,
      killTimes,
      poolSize: o.poolSize,
      msToAllFinal,
      messagesPerSec: (o.messages / msToAllFinal) * 1000,
      statuses: by,
      /** Message-IDs received more than once. */
      duplicates: [...atSink.values()].filter((n) => n > 1).length,
      /** Neither received nor set aside for review: silently lost. */
      lost: count((r) => !delivered(r) && !r.review),
      /** Set aside for review (received or not: nobody could know). */
      ambiguous: count((r) => r.review),
      ambiguousReceived: count((r) => r.review && delivered(r)),
      /** Recorded sent but never received. */
      sentNotReceived: count((r) => r.status === 'sent' && !delivered(r)),
      /** Received but recorded as neither sent nor ambiguous. */
      receivedNotRecorded: count((r) => delivered(r) && r.status !== 'sent' && !r.review),
      received: count(delivered),
    };
  } finally {
    await Promise.all(workers.map((w) => stop(w, 'SIGKILL')));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await db.end().catch(() => undefined);
    await proxy?.close();
    await stop(sink);
    rmSync(dir, { recursive: true, force: true });
  }
}
