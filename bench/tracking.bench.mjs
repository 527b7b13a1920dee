// The tracking hot path: Kindling's apps/tracking (verify the HMAC token, classify the request,
// XADD the event to Redis, answer) against a bare node:http server answering the same bytes
// (bench/fixtures/bare-tracking-server.mjs), for the open pixel and the click redirect, in
// interleaved rounds. Then the real worker drains the stream into Postgres and the stored events
// must equal the hits the tracking app answered with 2xx/3xx (its own counter), exactly.
//
// Its own database (kindling_bench_tracking, dropped and re-created and migrated here), its own
// Redis database (BENCH_TRACKING_REDIS_URL, default db 14) and a unique stream key.
import { spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startServer, stopAll } from './lib/server.mjs';
import { loadServer, loadTool } from './lib/load.mjs';
import { interleaved, medianOf, pairedRatio } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';

export const name = 'tracking';
export const description =
  'GET /o/:token.gif and GET /c/:token: Kindling tracking (verify, classify, XADD) vs bare node:http, then drain';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const DB = 'kindling_bench_tracking';
const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_TRACKING_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const SECRET = 'bench-tracking-secret-0123456789abcdef0123';
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);
const DESTINATION = 'https://example.com/landing?utm_source=kindling';

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

function dbUrl(dbName) {
  const u = new URL(PG_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
}

function createDatabase(log) {
  psql(PG_URL, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(PG_URL, `CREATE DATABASE ${DB}`);
  const url = dbUrl(DB);
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
  log(`database ${DB} created and migrated`);
  return url;
}

/** Same format as @kindling/sending/tokens signToken (checked: the app answers 200/302 to it). */
function signToken(secret, payload) {
  const key = createHmac('sha256', secret).update('kindling-tokens-v1').digest();
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const tag = createHmac('sha256', key).update(body).digest().subarray(0, 16);
  return `${body}.${tag.toString('base64url')}`;
}

function redisCli(...args) {
  const u = new URL(REDIS_URL);
  const r = spawnSync(
    'redis-cli',
    ['-h', u.hostname, '-p', u.port || '6379', '-n', u.pathname.slice(1) || '0', ...args],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`redis-cli failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** XLEN of the stream; throws on anything but a number (an error reply must not end a wait). */
function streamLength(stream) {
  const out = redisCli('XLEN', stream);
  if (!/^\d+$/.test(out)) throw new Error(`XLEN answered ${JSON.stringify(out)}`);
  return Number(out);
}

/** Sums kindling_tracking_hits_total by outcome, plus events lost, from the app's /metrics. */
async function hitCounters(base) {
  const text = await (
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const out = { recorded: 0, rejected: 0, lost: 0 };
  for (const line of text.split('\n')) {
    const m = /^kindling_tracking_hits_total\{kind="[^"]+",outcome="([a-z]+)"\} (\d+)/.exec(line);
    if (m) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
    const l = /^kindling_tracking_events_lost_total\{[^}]*\} (\d+)/.exec(line);
    if (l) out.lost += Number(l[1]);
  }
  return out;
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run({ rounds, log }) {
  const tool = loadTool();
  const servers = [];
  const stream = `bench:events:${randomUUID()}`;
  let worker;
  try {
    const url = createDatabase(log);
    const ids = JSON.parse(
      psql(
        url,
        `WITH w AS (INSERT INTO "Workspace" (id, name, "updatedAt") VALUES (gen_random_uuid(), 'Bench', now()) RETURNING id),
              l AS (INSERT INTO "Lead" (id, "workspaceId", email, "updatedAt") SELECT gen_random_uuid(), id, 'reader@example.test', now() FROM w RETURNING id, "workspaceId"),
              m AS (INSERT INTO "Message" (id, "workspaceId", "leadId", "toEmail", subject, "messageIdHeader", status, "sentAt", "updatedAt")
                    SELECT gen_random_uuid(), "workspaceId", id, 'reader@example.test', 'Bench', '<bench@kindling>', 'sent', now() - interval '1 day', now() FROM l RETURNING id, "workspaceId", "leadId")
         SELECT json_build_object('w', "workspaceId", 'm', id, 'l', "leadId") FROM m`,
      ),
    );
    const open = signToken(SECRET, { k: 'open', w: ids.w, m: ids.m, l: ids.l });
    const click = signToken(SECRET, { k: 'click', w: ids.w, m: ids.m, l: ids.l, u: DESTINATION });
    const appEnv = {
      NODE_ENV: 'production',
      DATABASE_URL: url,
      REDIS_URL,
      APP_SECRET: SECRET,
      EVENTS_STREAM: stream,
      METRICS_TOKEN,
      LOG_LEVEL: 'warn',
    };

    const bare = await startServer(path.join(here, 'fixtures/bare-tracking-server.mjs'), {
      name: 'bare node:http',
      env: { BARE_LOCATION: DESTINATION },
    });
    servers.push(bare);
    const app = await startServer(path.join(root, 'apps/tracking/dist/main.js'), {
      name: 'kindling tracking',
      port: 'free',
      env: appEnv,
    });
    servers.push(app);
    // The app must accept our tokens and answer the same bytes as the baseline.
    for (const [p, status] of [
      [`/o/${open}.gif`, 200],
      [`/c/${click}`, 302],
    ]) {
      const [a, b] = await Promise.all(
        [app, bare].map((s) =>
          fetch(`${s.url}${p}`, { redirect: 'manual' }).then(async (r) => ({
            status: r.status,
            location: r.headers.get('location'),
            body: Buffer.from(await r.arrayBuffer()),
          })),
        ),
      );
      if (
        a.status !== status ||
        b.status !== status ||
        !a.body.equals(b.body) ||
        a.location !== b.location
      )
        throw new Error(`${p}: app and baseline answer differently (${a.status} vs ${b.status})`);
    }
    log(
      `bare on ${bare.url}, kindling on ${app.url}; ${tool}, ${CONNECTIONS} connections, ${DURATION_S} s per round`,
    );

    const paths = { open: `/o/${open}.gif`, click: `/c/${click}` };
    const clientAnswered = { kindling: 0 };
    const measure = async (server, kind, duration = DURATION_S) => {
      const before = server === app ? await hitCounters(app.url) : null;
      const m = await loadServer(server, {
        url: `${server.url}${paths[kind]}`,
        connections: CONNECTIONS,
        duration,
        tool,
      });
      if (m.errors > 0)
        throw new Error(`${kind}: ${m.errors} connection errors/timeouts; numbers void`);
      // wrk counts only >= 400 as non-2xx; autocannon counts every 302 as non-2xx, so for
      // clicks the server's own counter of rejected requests is the check.
      if (kind === 'open' && m.non2xx > 0)
        throw new Error(`open: ${m.non2xx} non-2xx answers; numbers void`);
      if (before) {
        const after = await hitCounters(app.url);
        if (after.rejected > before.rejected || after.lost > before.lost)
          throw new Error(
            `${kind}: tracking rejected ${after.rejected - before.rejected}, lost ${after.lost - before.lost}`,
          );
        m.serverRecorded = after.recorded - before.recorded;
        clientAnswered.kindling += m.requests;
      } else if (kind === 'click' && tool === 'wrk' && m.non2xx > 0) {
        throw new Error(`bare click: ${m.non2xx} error answers`);
      }
      return m;
    };
    const variants = {
      bare_open: () => measure(bare, 'open'),
      kindling_open: () => measure(app, 'open'),
      bare_click: () => measure(bare, 'click'),
      kindling_click: () => measure(app, 'click'),
    };
    const results = await interleaved(variants, {
      rounds,
      log,
      warmup: (variant) =>
        measure(
          variant.startsWith('bare') ? bare : app,
          variant.endsWith('open') ? 'open' : 'click',
          1,
        ),
    });

    // Everything the app answered with 200/302, warm-ups included: its counter since start.
    const answered = (await hitCounters(app.url)).recorded;
    await app.stop(); // SIGTERM: in-flight requests finish before it exits
    const inStream = streamLength(stream);
    log(
      `tracking answered ${answered} hits (${inStream} entries in the stream); draining with the worker`,
    );

    const healthPort = await freePort();
    const t0 = performance.now();
    worker = await startServer(path.join(root, 'apps/worker/dist/main.js'), {
      name: 'kindling worker',
      port: healthPort,
      env: {
        ...appEnv,
        HEALTH_PORT: String(healthPort),
        DEV_SMTP_PORT: '0',
        INBOUND_SMTP_PORT: '-1',
      },
      timeoutMs: 30_000,
    });
    const deadline = Date.now() + 600_000;
    while (streamLength(stream) > 0) {
      if (Date.now() > deadline) throw new Error('the drain did not finish within 10 minutes');
      await delay(200);
    }
    const drainSec = (performance.now() - t0) / 1000;
    const stored = Number(
      psql(url, `SELECT count(*) FROM "TrackingEvent" WHERE "workspaceId" = '${ids.w}'`),
    );
    const machine = Number(
      psql(
        url,
        `SELECT count(*) FROM "TrackingEvent" WHERE "workspaceId" = '${ids.w}' AND machine`,
      ),
    );
    log(
      `drained in ${round(drainSec, 1)} s: ${stored} events stored (${machine} machine), ${answered} answered`,
    );
    if (stored !== answered || inStream !== answered)
      throw new Error(
        `stored events (${stored}) / stream entries (${inStream}) differ from 2xx/3xx answers (${answered})`,
      );

    const p99 = (list) => round(medianOf(list, 'latencyP99Ms'), 2);
    return {
      metrics: {
        bare_open_rps: round(medianOf(results.bare_open, 'requestsPerSec'), 0),
        kindling_open_rps: round(medianOf(results.kindling_open, 'requestsPerSec'), 0),
        bare_click_rps: round(medianOf(results.bare_click, 'requestsPerSec'), 0),
        kindling_click_rps: round(medianOf(results.kindling_click, 'requestsPerSec'), 0),
        bare_open_p99_ms: p99(results.bare_open),
        kindling_open_p99_ms: p99(results.kindling_open),
        bare_click_p99_ms: p99(results.bare_click),
        kindling_click_p99_ms: p99(results.kindling_click),
        kindling_open_req_per_cpu_s: round(medianOf(results.kindling_open, 'requestsPerCpuSec'), 0),
        bare_open_req_per_cpu_s: round(medianOf(results.bare_open, 'requestsPerCpuSec'), 0),
        // Per CPU-second of the server process: steadier on a shared machine, but it leaves out
        // the Redis server's share, which the requests/s ratio includes. Informational.
        open_cpu_ratio: round(
          pairedRatio(results.kindling_open, results.bare_open, 'requestsPerCpuSec'),
          3,
        ),
        click_cpu_ratio: round(
          pairedRatio(results.kindling_click, results.bare_click, 'requestsPerCpuSec'),
          3,
        ),
        answered_2xx_3xx: answered,
        stored_events: stored,
        client_counted: clientAnswered.kindling,
        drain_events_per_s: round(stored / drainSec, 0),
      },
      ratios: [
        {
          name: 'open pixel kindling/bare requests/s',
          value: round(pairedRatio(results.kindling_open, results.bare_open, 'requestsPerSec'), 3),
          target: 0.6,
          floor: 0.45,
        },
        {
          name: 'click redirect kindling/bare requests/s',
          value: round(
            pairedRatio(results.kindling_click, results.bare_click, 'requestsPerSec'),
            3,
          ),
          target: 0.6,
          floor: 0.45,
        },
      ],
      details: {
        tool,
        connections: CONNECTIONS,
        durationSec: DURATION_S,
        drainSec,
        machineEvents: machine,
        rounds: results,
      },
    };
  } finally {
    await stopAll([...servers, worker]);
    try {
      redisCli('DEL', stream);
    } catch {
      /* best effort */
    }
  }
}
