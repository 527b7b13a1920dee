// CSV export at a million leads: Kindling's GET /api/leads/export.csv (auth, filters, formula
// guard, HTTP streaming) against PostgreSQL's own COPY (SELECT ...) TO STDOUT WITH CSV of the
// same rows and columns, formatted the same way (timestamps, tags), read by psql. Both sides are
// separate client processes writing to /dev/null. Peak RSS of the api process is measured with a
// fresh api at 1M rows and again at 3M rows: streaming means it must not grow with the row count.
import { interleaved, medianOf, pairedRatio } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';
import {
  createBenchDatabase,
  createWorkspace,
  dropBenchDatabase,
  generateLeads,
  peakRssMb,
  scaled,
  startApi,
  timed,
} from './lib/leads-bench.mjs';

export const name = 'csv-export';
export const description =
  'GET /api/leads/export.csv vs COPY (SELECT ...) TO STDOUT WITH CSV, 1M and 3M leads';

const DB = 'kindling_bench_leads';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const TUNED = '--max-semi-space-size=2';
const COLUMNS = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'status',
  'tags',
  'cf.company',
  'firstUtmSource',
  'createdAt',
];

function baselineSql(workspaceId) {
  return `COPY (SELECT email, "firstName", "lastName", phone, status::text, array_to_string(tags, ';'),
      "customFields" ->> 'company', "firstUtmSource",
      to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    FROM "Lead" WHERE "workspaceId" = '${workspaceId}' ORDER BY "createdAt", id) TO STDOUT WITH CSV`;
}

export async function run({ rounds, log }) {
  const small = scaled(1_000_000);
  const large = scaled(3_000_000);
  let api;
  try {
    const url = createBenchDatabase(DB, log);
    const { workspaceId, apiKey } = createWorkspace(url);
    let t0 = performance.now();
    generateLeads(url, workspaceId, 1, small);
    log(`${small} leads generated in ${round((performance.now() - t0) / 1000, 1)} s`);

    const exportUrl = (base) =>
      `${base}/api/leads/export.csv?columns=${COLUMNS.map(encodeURIComponent).join(',')}`;
    const curl = (base, pid) =>
      timed(
        'sh',
        ['-c', `curl -sS --fail -H 'Authorization: Bearer ${apiKey}' '${exportUrl(base)}' | wc -l`],
        { watchPid: pid },
      );
    const copy = () =>
      timed('sh', [
        '-c',
        `psql '${url}' -X -q -c "${baselineSql(workspaceId).replace(/"/g, '\\"')}" | wc -l`,
      ]);

    api = await startApi(url, REDIS_URL);
    const pid = api.child.pid;
    // Both sides must produce every row (the export adds its header line).
    const check = [await copy(), await curl(api.url, pid)].map((r) => Number(r.stdout.trim()));
    if (check[0] !== small || check[1] !== small + 1)
      throw new Error(
        `row counts differ: copy ${check[0]}, export ${check[1]} (want ${small}, ${small + 1})`,
      );

    const results = await interleaved(
      {
        copy: async () => ({ seconds: round((await copy()).seconds, 3) }),
        kindling: async () => {
          const r = await curl(api.url, pid);
          return { seconds: round(r.seconds, 3), rssMb: r.peakRssMb };
        },
      },
      { rounds, log },
    );
    const peakSmall = peakRssMb(pid);
    // The leads table at this size: first page with the total, a deep keyset page, a filter, a search.
    const tableMs = {};
    const getMs = async (label, path) => {
      const t = performance.now();
      const res = await fetch(`${api.url}${path}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      tableMs[label] = round(performance.now() - t, 1);
      return body;
    };
    let page = await getMs('first_page_with_total', '/api/leads?limit=50');
    for (let i = 0; i < 20; i++)
      page = await getMs('next_page', `/api/leads?limit=50&count=0&cursor=${page.nextCursor}`);
    await getMs('sort_by_email', '/api/leads?limit=50&sort=email&dir=asc');
    await getMs('filter_tag_and_source', '/api/leads?limit=50&tag=tag3&utmSource=newsletter');
    await getMs('search_rare_email', `/api/leads?limit=50&q=lead${small - 7}@`);
    log(`leads table at ${small} rows (ms): ${JSON.stringify(tableMs)}`);
    await api.stop();
    api = null;
    // The same export with a small young generation: what NODE_OPTIONS=--max-semi-space-size=2
    // gives an operator who needs the api under a tight memory limit.
    const tunedPeak = async (rows) => {
      api = await startApi(url, REDIS_URL, { NODE_OPTIONS: TUNED });
      const r = await curl(api.url, api.child.pid);
      if (Number(r.stdout.trim()) !== rows + 1)
        throw new Error(`tuned export returned ${r.stdout.trim()} lines`);
      const peak = peakRssMb(api.child.pid);
      await api.stop();
      api = null;
      return { peak, seconds: r.seconds };
    };
    const tunedSmall = await tunedPeak(small);

    t0 = performance.now();
    generateLeads(url, workspaceId, small + 1, large);
    log(
      `${large - small} more leads generated (${large} in all) in ${round((performance.now() - t0) / 1000, 1)} s`,
    );
    api = await startApi(url, REDIS_URL);
    const big = await curl(api.url, api.child.pid);
    if (Number(big.stdout.trim()) !== large + 1)
      throw new Error(`3M export returned ${big.stdout.trim()} lines`);
    const peakLarge = peakRssMb(api.child.pid);
    await api.stop();
    api = null;
    const bigCopy = await copy();
    const tunedLarge = await tunedPeak(large);
    log(
      `at ${large} rows: export ${round(big.seconds, 2)} s, COPY ${round(bigCopy.seconds, 2)} s; api peak RSS ${peakSmall} MB at ${small} rows, ${peakLarge} MB at ${large} rows` +
        ` (with ${TUNED}: ${tunedSmall.peak} MB and ${tunedLarge.peak} MB)`,
    );

    const ratio = round(pairedRatio(results.copy, results.kindling, 'seconds'), 3);
    return {
      metrics: {
        rows: small,
        copy_s: medianOf(results.copy, 'seconds'),
        kindling_s: medianOf(results.kindling, 'seconds'),
        kindling_rows_per_s: Math.round(small / medianOf(results.kindling, 'seconds')),
        table_first_page_ms: tableMs.first_page_with_total,
        table_search_ms: tableMs.search_rare_email,
        api_peak_rss_mb_1x: peakSmall,
        api_peak_rss_mb_3x: peakLarge,
        api_peak_rss_mb_1x_tuned: tunedSmall.peak,
        api_peak_rss_mb_3x_tuned: tunedLarge.peak,
        kindling_s_3x_tuned: round(tunedLarge.seconds, 3),
        rows_3x: large,
        kindling_s_3x: round(big.seconds, 3),
        copy_s_3x: round(bigCopy.seconds, 3),
      },
      ratios: [
        // Higher is better: COPY's time over Kindling's time for the same rows.
        { name: 'copy time / export time (1M)', value: ratio, target: 0.6, floor: 0.35 },
        // Flat memory: peak RSS at 1M over peak RSS at 3M (1.0 = identical), and an absolute cap.
        {
          name: 'api peak RSS 1M / 3M',
          value: round(peakSmall / peakLarge, 3),
          target: 0.9,
          floor: 0.8,
        },
        {
          name: 'api peak RSS 1M / 3M (semi-space 2 MB)',
          value: round(tunedSmall.peak / tunedLarge.peak, 3),
          target: 0.9,
          floor: 0.8,
        },
        // The 150 MB cap holds with the young generation capped; with Node's default (16 MB
        // semi-spaces) the idle api alone is ~140 MB (mostly the Prisma client), see the metrics.
        {
          name: '150 MB / api peak RSS at 3M (semi-space 2 MB)',
          value: round(150 / tunedLarge.peak, 3),
          target: 1,
          floor: 1,
        },
      ],
      details: { columns: COLUMNS, rounds: results, leadsTableMs: tableMs },
    };
  } finally {
    if (api) await api.stop();
    dropBenchDatabase(DB);
  }
}
