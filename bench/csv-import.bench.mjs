// CSV import at a million rows: Kindling's whole import (upload streamed by the api into Postgres,
// then the worker's job: CSV parse, per-row validation, batches of staging COPY + set-based merge
// into "Lead" committed with their progress) against psql's \copy (COPY ... FROM STDIN) of the
// same file into a table shaped like "Lead", with the same indexes and constraints. Both start
// from an empty table each round. The peak RSS of the api and of the worker is reported too: the
// file is streamed in chunks, never held in memory. A last import of the same file into a
// campaign measures enrollment (set-based, in each batch's transaction, outside the ratio) and
// both processes' peak RSS after it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interleaved, medianOf, pairedRatio } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';
import { freePort, startServer } from './lib/server.mjs';
import {
  createBenchDatabase,
  createWorkspace,
  dropBenchDatabase,
  peakRssMb,
  psql,
  root,
  scaled,
  startApi,
  timed,
} from './lib/leads-bench.mjs';

export const name = 'csv-import';
export const description =
  'CSV import through the api vs COPY ... FROM STDIN of the same file, 1M rows';

const DB = 'kindling_bench_leads_import';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';

/** The built worker (every module, the CSV import among them) against the bench database. */
async function startWorker(url, redisUrl) {
  const healthPort = await freePort();
  return startServer(path.join(root, 'apps/worker/dist/main.js'), {
    port: healthPort,
    name: 'kindling worker',
    timeoutMs: 30_000,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      APP_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      HEALTH_PORT: String(healthPort),
      DEV_SMTP_PORT: '0',
      INBOUND_SMTP_PORT: '-1',
      LOG_LEVEL: 'warn',
    },
  });
}

async function waitDone(base, apiKey, id) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const res = await fetch(`${base}/api/leads/imports/${id}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const s = await res.json();
    if (s.status === 'done') return s;
    if (s.status === 'failed' || res.status !== 200)
      throw new Error(`import failed: ${JSON.stringify(s)}`);
    if (Date.now() > deadline) throw new Error('import did not finish in 15 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function run({ rounds: requested, log }) {
  // An import round takes tens of seconds at 1M rows: three rounds keep the run within minutes.
  const rounds = Math.min(requested, Number(process.env.BENCH_IMPORT_ROUNDS ?? 3));
  const rows = scaled(1_000_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-import-'));
  const file = path.join(dir, 'leads.csv');
  let api;
  let worker;
  try {
    const url = createBenchDatabase(DB, log);
    const { workspaceId, apiKey } = createWorkspace(url);
    psql(
      url,
      `\\copy (SELECT 'lead' || g || '@example.com' AS email, 'First' || g AS first_name, 'Last, ' || (g % 1000) AS last_name,
        '+1 555 ' || lpad((g % 10000)::text, 4, '0') AS phone FROM generate_series(1, ${rows}) g) TO '${file}' WITH (FORMAT csv, HEADER)`,
    );
    log(`${rows} rows written to a ${round(statSync(file).size / 1e6, 1)} MB CSV file`);
    // The baseline's table: "Lead"'s columns, constraints and indexes, with defaults for the
    // columns the file does not carry.
    psql(
      url,
      `CREATE TABLE bench_copy_target (LIKE "Lead" INCLUDING ALL);
       ALTER TABLE bench_copy_target ALTER COLUMN id SET DEFAULT gen_random_uuid(),
         ALTER COLUMN "workspaceId" SET DEFAULT '${workspaceId}', ALTER COLUMN "updatedAt" SET DEFAULT now();`,
    );

    api = await startApi(url, REDIS_URL);
    worker = await startWorker(url, REDIS_URL);
    const pid = api.child.pid;
    const workerPid = worker.child.pid;
    const copy = async () => {
      psql(url, 'TRUNCATE bench_copy_target');
      const r = await timed('psql', [
        url,
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `\\copy bench_copy_target(email, "firstName", "lastName", phone) FROM '${file}' WITH (FORMAT csv, HEADER)`,
      ]);
      const n = Number(psql(url, 'SELECT count(*) FROM bench_copy_target'));
      if (n !== rows) throw new Error(`COPY loaded ${n} rows`);
      return { seconds: round(r.seconds, 3) };
    };
    /** One whole import of the file through the api (from an empty "Lead"); `extra` for /start. */
    const importFile = async (extra = {}) => {
      psql(url, `TRUNCATE "Lead" CASCADE`);
      const t0 = performance.now();
      const up = await timed(
        'curl',
        [
          '-sS',
          '--fail',
          '-X',
          'POST',
          '-T',
          file,
          '-H',
          `Authorization: Bearer ${apiKey}`,
          '-H',
          'Content-Type: text/csv',
          '-H',
          'X-Kindling-Upload: 1',
          `${api.url}/api/leads/imports?fileName=leads.csv`,
        ],
        { watchPid: pid },
      );
      const { id } = JSON.parse(up.stdout);
      const start = await fetch(`${api.url}/api/leads/imports/${id}/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mapping: ['email', 'firstName', 'lastName', 'phone'], ...extra }),
      });
      if (start.status !== 202)
        throw new Error(`start answered ${start.status}: ${await start.text()}`);
      const s = await waitDone(api.url, apiKey, id);
      const seconds = (performance.now() - t0) / 1000;
      if (s.created !== rows || s.rejected !== 0)
        throw new Error(`import counts wrong: ${JSON.stringify(s)}`);
      const n = Number(
        psql(url, `SELECT count(*) FROM "Lead" WHERE "workspaceId" = '${workspaceId}'`),
      );
      if (n !== rows) throw new Error(`import left ${n} leads`);
      return { seconds, uploadSeconds: up.seconds, enrolled: s.enrolled };
    };
    const kindling = async () => {
      const r = await importFile();
      return {
        seconds: round(r.seconds, 3),
        uploadSeconds: round(r.uploadSeconds, 3),
        peakRssMb: peakRssMb(pid),
        workerPeakRssMb: peakRssMb(workerPid),
      };
    };

    const results = await interleaved({ copy, kindling }, { rounds, log });
    const peak = peakRssMb(pid);
    const workerPeak = peakRssMb(workerPid);
    // Once more into a campaign: every row enrolled through the set-based enrollment service,
    // outside the ratio (COPY has nothing to compare it with); neither process's peak RSS may
    // grow. The campaign opens with a day's wait, so the worker's drip sends nothing meanwhile.
    const campaignId = psql(
      url,
      `WITH c AS (INSERT INTO "Campaign" (id, "workspaceId", name, status, "updatedAt")
         VALUES (gen_random_uuid(), '${workspaceId}', 'Bench import', 'active', now()) RETURNING id),
       s AS (INSERT INTO "CampaignStep" (id, "campaignId", position, type, config, "updatedAt")
         SELECT gen_random_uuid(), id, 0, 'wait', '{"minutes":1440}', now() FROM c)
       SELECT id FROM c`,
    ).trim();
    const enrolling = await importFile({ campaignId });
    if (enrolling.enrolled !== rows)
      throw new Error(`enrolled ${enrolling.enrolled} of ${rows} imported rows`);
    log(
      `import with enrollment: ${rows} rows in ${round(enrolling.seconds, 1)} s, peak RSS api ${peakRssMb(pid)} MB, worker ${peakRssMb(workerPid)} MB`,
    );
    return {
      metrics: {
        rows,
        file_mb: round(statSync(file).size / 1e6, 1),
        copy_s: medianOf(results.copy, 'seconds'),
        kindling_s: medianOf(results.kindling, 'seconds'),
        kindling_upload_s: medianOf(results.kindling, 'uploadSeconds'),
        kindling_rows_per_s: Math.round(rows / medianOf(results.kindling, 'seconds')),
        api_peak_rss_mb: peak,
        worker_peak_rss_mb: workerPeak,
        kindling_enroll_s: round(enrolling.seconds, 3),
        kindling_enroll_rows_per_s: Math.round(rows / enrolling.seconds),
        api_peak_rss_after_enroll_mb: peakRssMb(pid),
        worker_peak_rss_after_enroll_mb: peakRssMb(workerPid),
      },
      ratios: [
        {
          name: 'copy time / import time',
          value: round(pairedRatio(results.copy, results.kindling, 'seconds'), 3),
          target: 0.4,
          floor: 0.2,
        },
      ],
      details: { rounds: results },
    };
  } finally {
    if (worker) await worker.stop();
    if (api) await api.stop();
    dropBenchDatabase(DB);
    rmSync(dir, { recursive: true, force: true });
  }
}
