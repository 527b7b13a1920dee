// Public form submissions: Kindling's whole POST /api/public/forms/:publicId/submissions (origin
// and rate-limit checks in Redis, validation with the shared schema, lead upsert and submission
// row in one transaction, enrollment lookup) against a bare node:http handler that only parses
// the same JSON. Every request carries a distinct email (autocannon's [<id>]), like real traffic.
// After the rounds the stored submissions are counted and must equal the 2xx answers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { startServer, stopAll } from './lib/server.mjs';
import { loadServer } from './lib/load.mjs';
import { interleaved, medianOf, pairedRatio } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';
import { createBenchDatabase, createWorkspace, dropBenchDatabase, psql, startApi } from './lib/leads-bench.mjs';

export const name = 'form-submit';
export const description = 'POST a form submission: Kindling api (validate + store) vs bare node:http JSON parse';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const DB = 'kindling_bench_forms';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);

export async function run({ rounds, log }) {
  const servers = [];
  try {
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
    });
    servers.push(api);
    const bare = await startServer(path.join(fixtures, 'bare-form-server.mjs'), { name: 'bare node:http' });
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
    log(`api on ${api.url}, bare on ${bare.url}; autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per round`);
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
      if (bad > 0) throw new Error(`${variant}: ${bad} failed requests; the numbers would be meaningless`);
    }
    const count = () => Number(psql(url, `SELECT count(*) FROM "FormSubmission" WHERE "formId" = '${formId}'`));
    // Under timed load the generator stops mid-flight: requests the server finishes after the
    // cut-off are stored but never counted as answered (at most one per connection per run).
    const answeredUnderLoad = [warm, ...results.kindling].reduce((n, m) => n + m.requests - m.non2xx, 0);
    const storedUnderLoad = await settledCount(count);
    const inFlight = storedUnderLoad - answeredUnderLoad;
    log(`under load: ${answeredUnderLoad} 2xx answers, ${storedUnderLoad} stored (${inFlight} finished after the cut-off)`);
    if (inFlight < 0 || inFlight > CONNECTIONS * (rounds + 1)) {
      throw new Error(`stored ${storedUnderLoad} submissions for ${answeredUnderLoad} 2xx answers`);
    }
    // The exact check: a fixed number of submissions, every answer awaited, 20 at a time.
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
    const stored = (await settledCount(count)) - before;
    log(`exact check: ${ok} 2xx answers of ${EXACT} posts, ${stored} submissions stored`);
    if (stored !== ok || ok !== EXACT) throw new Error(`exact check failed: ${ok} 2xx answers but ${stored} stored`);
    const leads = Number(psql(url, `SELECT count(*) FROM "Lead" WHERE "workspaceId" = '${workspaceId}'`));
    const answered2xx = answeredUnderLoad + ok;
    const storedTotal = storedUnderLoad + stored;
    return {
      metrics: {
        bare_rps: round(medianOf(results.bare, 'requestsPerSec'), 0),
        kindling_rps: round(medianOf(results.kindling, 'requestsPerSec'), 0),
        bare_p99_ms: round(medianOf(results.bare, 'latencyP99Ms'), 2),
        kindling_p99_ms: round(medianOf(results.kindling, 'latencyP99Ms'), 2),
        kindling_p50_ms: round(medianOf(results.kindling, 'latencyP50Ms'), 2),
        stored_submissions: storedTotal,
        answered_2xx: answered2xx,
        finished_after_cutoff: inFlight,
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
      details: { rounds: results },
    };
  } finally {
    await stopAll(servers);
    dropBenchDatabase(DB);
  }
}

/** The count once the api has finished what the load generator left in flight (stable for 1 s). */
async function settledCount(count) {
  let last = count();
  for (let stable = 0; stable < 4; ) {
    await new Promise((r) => setTimeout(r, 250));
    const now = count();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}
