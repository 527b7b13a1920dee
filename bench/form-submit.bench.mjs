// Public form submissions: Kindling's whole POST /api/public/forms/:publicId/submissions (the
// real api process: cached form, Origin check, validation with the shared schema, rate limits,
// duplicate check and the XADD to the submissions stream in one Redis round trip, 202) against a
// bare node:http handler that only parses the same JSON. Every request carries a distinct email
// (autocannon's [<id>]), like real traffic. The rounds measure what the api accepts; then the
// real worker drains the stream into Postgres (its rate is reported) and the stored submissions
// must equal the 2xx answers. Finally 1000 awaited posts with the worker running: exactly as
// many stored as answered 2xx.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { freePort, startServer, stopAll } from './lib/server.mjs';
import { loadServer } from './lib/load.mjs';
import { interleaved, medianOf, pairedRatio } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';
import {
  createBenchDatabase,
  createWorkspace,
  dropBenchDatabase,
  psql,
  root,
  startApi,
} from './lib/leads-bench.mjs';

export const name = 'form-submit';
export const description =
  'POST a form submission: Kindling api (validate + accept into the stream, worker stores) vs bare node:http JSON parse';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const DB = 'kindling_bench_forms';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);
// This run's own submissions stream (api and worker get it as SUBMISSIONS_STREAM): a worker of
// another run or benchmark on the same Redis db must not drain it into its own database.
const STREAM = `bench:form-submissions:${randomUUID()}`;

function redisCli(...args) {
  const u = new URL(REDIS_URL);
  const r = spawnSync(
    'redis-cli',
    ['-h', u.hostname, '-p', u.port || '6379', '-n', u.pathname.slice(1) || '0', ...args],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`redis-cli failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** XLEN of the stream; throws on anything but a number (an error reply must not end a wait). */
function streamLength() {
  const out = redisCli('XLEN', STREAM);
  if (!/^\d+$/.test(out)) throw new Error(`XLEN answered ${JSON.stringify(out)}`);
  return Number(out);
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run({ rounds, log }) {
  const servers = [];
  let worker;
  try {
    redisCli('DEL', STREAM); // leftovers of an interrupted run point at a dropped database
    const url = createBenchDatabase(DB, log);
    const { workspaceId } = createWorkspace(url);
    const formId = randomUUID();
    const publicId = 'frm_bench';
    psql(
      url,
      `INSERT INTO "Form" (id, "workspaceId", "publicId", name, "updatedAt") VALUES ('${formId}', '${workspaceId}', '${publicId}', 'Bench', now());
       INSERT INTO "FormField" (id, "formId", key, type, label, required, position) VALUES
         ('${randomUUID()}', '${formId}', 'email', 'email', 'Email', true, 0),
         ('${randomUUID()}', '${formId}', 'first_name', 'text', 'First name', true, 1),
         ('${randomUUID()}', '${formId}', 'company', 'text', 'Company', false, 2);`,
    );
    const api = await startApi(url, REDIS_URL, {
      // The limits are what is measured elsewhere; here they must not cut the load off.
      FORM_RATE_LIMIT_PER_IP: '1000000000',
      FORM_RATE_LIMIT_PER_FORM: '1000000000',
      SUBMISSIONS_STREAM: STREAM,
    });
    servers.push(api);
    const bare = await startServer(path.join(fixtures, 'bare-form-server.mjs'), {
      name: 'bare node:http',
    });
    servers.push(bare);
    const body = JSON.stringify({
      email: 'bench-[<id>]@example.com',
      first_name: 'Bench',
      company: 'Acme',
      utm_source: 'bench',
      utm_campaign: 'load',
      _page: 'https://landing.example/?utm_source=bench',
      _elapsed: 5000,
    });
    const submitPath = `/api/public/forms/${publicId}/submissions`;
    log(
      `api on ${api.url}, bare on ${bare.url}; autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per round`,
    );
    const load = (server, duration = DURATION_S) =>
      loadServer(server, {
        url: `${server.url}${submitPath}`,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        connections: CONNECTIONS,
        duration,
        tool: 'autocannon',
      });
    let warm = null;
    const results = await interleaved(
      { bare: () => load(bare), kindling: () => load(api) },
      {
        rounds,
        log,
        warmup: async (v) => {
          const m = await load(v === 'bare' ? bare : api, 1);
          if (v === 'kindling') warm = m;
        },
      },
    );
    for (const [variant, list] of Object.entries(results)) {
      const bad = list.reduce((n, m) => n + m.errors + m.non2xx, 0);
      if (bad > 0)
        throw new Error(`${variant}: ${bad} failed requests; the numbers would be meaningless`);
    }
    const count = () =>
      Number(psql(url, `SELECT count(*) FROM "FormSubmission" WHERE "formId" = '${formId}'`));
    // Under timed load the generator stops mid-flight: requests the server finishes after the
    // cut-off are accepted but never counted as answered (at most one per connection per run).
    const answeredUnderLoad = [warm, ...results.kindling].reduce(
      (n, m) => n + m.requests - m.non2xx,
      0,
    );
    // Let the api finish what the load generator left in flight: the length stops moving.
    let inStream = streamLength();
    for (let stable = 0; stable < 4;) {
      await delay(100);
      const now = streamLength();
      stable = now === inStream ? stable + 1 : 0;
      inStream = now;
    }
    log(
      `api answered ${answeredUnderLoad} submissions 2xx (${inStream} in the stream); draining with the worker`,
    );

    const healthPort = await freePort();
    const t0 = performance.now();
    worker = await startServer(path.join(root, 'apps/worker/dist/main.js'), {
      name: 'kindling worker',
      port: healthPort,
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: url,
        REDIS_URL,
        APP_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
        LOG_LEVEL: 'warn',
        HEALTH_PORT: String(healthPort),
        DEV_SMTP_PORT: '0',
        INBOUND_SMTP_PORT: '-1',
        SUBMISSIONS_STREAM: STREAM,
      },
      timeoutMs: 30_000,
    });
    const deadline = Date.now() + 600_000;
    while (streamLength() > 0) {
      if (Date.now() > deadline) throw new Error('the drain did not finish within 10 minutes');
      await delay(100);
    }
    const drainSec = (performance.now() - t0) / 1000;
    const storedUnderLoad = count();
    const inFlight = storedUnderLoad - answeredUnderLoad;
    log(
      `drained in ${round(drainSec, 1)} s: ${storedUnderLoad} stored for ${answeredUnderLoad} 2xx answers (${inFlight} finished after the cut-off)`,
    );
    if (storedUnderLoad !== inStream || inFlight < 0 || inFlight > CONNECTIONS * (rounds + 1)) {
      throw new Error(
        `stored ${storedUnderLoad} submissions for ${answeredUnderLoad} 2xx answers (${inStream} were in the stream)`,
      );
    }
    // The exact check, with the worker running: a fixed number of submissions, every answer
    // awaited, 20 at a time; once the stream is empty, stored must equal the 2xx answers.
    const before = count();
    let ok = 0;
    let next = 0;
    const EXACT = 1000;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < EXACT) {
          const i = next++;
          const res = await fetch(`${api.url}${submitPath}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: body.replace('[<id>]', `exact-${i}-${randomUUID().slice(0, 8)}`),
          });
          await res.arrayBuffer();
          if (res.status >= 200 && res.status < 300) ok++;
        }
      }),
    );
    while (streamLength() > 0) {
      if (Date.now() > deadline) throw new Error('the drain did not finish within 10 minutes');
      await delay(50);
    }
    const stored = count() - before;
    log(`exact check: ${ok} 2xx answers of ${EXACT} posts, ${stored} submissions stored`);
    if (stored !== ok || ok !== EXACT)
      throw new Error(`exact check failed: ${ok} 2xx answers but ${stored} stored`);
    const leads = Number(
      psql(url, `SELECT count(*) FROM "Lead" WHERE "workspaceId" = '${workspaceId}'`),
    );
    const answered2xx = answeredUnderLoad + ok;
    const storedTotal = storedUnderLoad + stored;
    return {
      metrics: {
        bare_rps: round(medianOf(results.bare, 'requestsPerSec'), 0),
        kindling_rps: round(medianOf(results.kindling, 'requestsPerSec'), 0),
        bare_p99_ms: round(medianOf(results.bare, 'latencyP99Ms'), 2),
        kindling_p99_ms: round(medianOf(results.kindling, 'latencyP99Ms'), 2),
        kindling_p50_ms: round(medianOf(results.kindling, 'latencyP50Ms'), 2),
        bare_req_per_cpu_s: round(medianOf(results.bare, 'requestsPerCpuSec'), 0),
        kindling_req_per_cpu_s: round(medianOf(results.kindling, 'requestsPerCpuSec'), 0),
        // The same comparison per CPU-second each server used: steadier than requests/s when
        // other work shares the machine. Informational, so it carries no target or floor.
        kindling_bare_cpu_ratio: round(
          pairedRatio(results.kindling, results.bare, 'requestsPerCpuSec'),
          3,
        ),
        stored_submissions: storedTotal,
        answered_2xx: answered2xx,
        finished_after_cutoff: inFlight,
        drain_submissions_per_s: round(storedUnderLoad / drainSec, 0),
        exact_check_2xx: ok,
        exact_check_stored: stored,
        leads,
      },
      ratios: [
        {
          name: 'kindling/bare accepted submissions/s',
          value: round(pairedRatio(results.kindling, results.bare, 'requestsPerSec'), 3),
          target: 0.5,
          floor: 0.35,
        },
      ],
      details: { drainSec, rounds: results },
    };
  } finally {
    await stopAll([...servers, worker].filter(Boolean));
    try {
      redisCli('DEL', STREAM);
    } catch {
      /* best effort */
    }
    dropBenchDatabase(DB);
  }
}
