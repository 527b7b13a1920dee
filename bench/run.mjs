#!/usr/bin/env node
// Benchmark harness: `npm run bench [-- name ...]` (builds first) or `node bench/run.mjs [name ...]`.
// Discovers bench/*.bench.mjs, runs each (or those named), prints metrics and ratios, writes
// bench/results/<name>.json, and exits 1 if a benchmark failed or a ratio fell below its floor.
// See bench/README.md for the conventions.
import { readdir, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { roundsFromEnv } from './lib/interleave.mjs';
import { startPrivateRedis } from '../scripts/lib/private-redis.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(benchDir, 'results');

function usage() {
  return [
    'usage: node bench/run.mjs [--list] [name ...]',
    '  name       run only these benchmarks (file bench/<name>.bench.mjs or its exported name)',
    '  --list     list the benchmarks and exit',
    'environment: BENCH_ROUNDS (default 5), BENCH_LOAD=autocannon|wrk (default autocannon)',
  ].join('\n');
}

async function discover() {
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.mjs')).sort();
  const benches = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(benchDir, file)).href);
    const problems = [];
    if (typeof mod.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(mod.name))
      problems.push('name (kebab-case string)');
    if (typeof mod.description !== 'string') problems.push('description (string)');
    if (typeof mod.run !== 'function') problems.push('run (async function)');
    if (problems.length) throw new Error(`${file} must export ${problems.join(', ')}`);
    benches.push({ file, id: file.slice(0, -'.bench.mjs'.length), ...mod });
  }
  return benches;
}

function validateResult(result) {
  if (!result || typeof result !== 'object') throw new Error('run() returned no result');
  const { metrics, ratios } = result;
  if (!metrics || typeof metrics !== 'object') throw new Error('run() result lacks metrics {}');
  if (!Array.isArray(ratios)) throw new Error('run() result lacks ratios []');
  for (const r of ratios) {
    for (const key of ['value', 'target', 'floor']) {
      if (typeof r[key] !== 'number')
        throw new Error(`ratio ${r.name ?? '?'}: ${key} must be a number`);
    }
    if (typeof r.name !== 'string') throw new Error('every ratio needs a name');
  }
}

function ratioStatus(r) {
  if (!Number.isFinite(r.value) || r.value < r.floor) return 'BELOW FLOOR';
  if (r.value < r.target) return 'below target';
  return 'ok';
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) =>
    row
      .map((cell, i) =>
        typeof cell === 'number'
          ? String(cell).padStart(widths[i])
          : String(cell).padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage());
    return 0;
  }
  // The benchmarks' own Redis: a private redis-server for this run (unless BENCH_REDIS_URL names
  // one), each benchmark on a database of its own there. Set before the modules load: they read
  // these variables at import.
  let privateRedis = null;
  if (!args.includes('--list') && !process.env.BENCH_REDIS_URL) {
    privateRedis = await startPrivateRedis();
    const on = (db) => privateRedis.url.replace(/\/\d*$/, `/${db}`);
    process.env.BENCH_REDIS_URL = on(12);
    process.env.BENCH_SEND_REDIS_URL ??= on(11);
    process.env.BENCH_CRASH_REDIS_URL ??= on(10);
    process.env.BENCH_DRIP_REDIS_URL ??= on(14);
    process.env.BENCH_TRACKING_REDIS_URL ??= on(15);
    console.log(`bench Redis: private redis-server at ${privateRedis.url}`);
  }
  try {
    return await runSelected(args);
  } finally {
    await privateRedis?.stop();
  }
}

async function runSelected(args) {
  const all = await discover();
  if (args.includes('--list')) {
    for (const b of all) console.log(`${b.id.padEnd(24)} ${b.description}`);
    return 0;
  }
  const wanted = args.filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !all.some((b) => b.id === w || b.name === w));
  if (unknown.length) {
    console.error(
      `unknown benchmark(s): ${unknown.join(', ')}; available: ${all.map((b) => b.id).join(', ')}`,
    );
    return 2;
  }
  const selected = wanted.length
    ? all.filter((b) => wanted.includes(b.id) || wanted.includes(b.name))
    : all;
  const rounds = roundsFromEnv(5);
  await mkdir(resultsDir, { recursive: true });

  const summary = [];
  let failed = false;
  for (const bench of selected) {
    console.log(`\n== ${bench.name}: ${bench.description} (${rounds} rounds)`);
    const log = (msg) => console.log(`  [${bench.name}] ${msg}`);
    // Other work on the machine moves absolute numbers; say how busy it was.
    log(`load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} CPUs`);
    const startedAt = new Date();
    const t0 = performance.now();
    let result;
    try {
      result = await bench.run({ rounds, log });
      validateResult(result);
    } catch (err) {
      failed = true;
      console.error(`  [${bench.name}] FAILED: ${err.stack ?? err}`);
      summary.push([bench.name, 'FAILED', '', '', '', '']);
      continue;
    }
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const ratios = result.ratios.map((r) => ({ ...r, status: ratioStatus(r) }));

    console.log('');
    console.log(
      table([['metric', 'median'], ...Object.entries(result.metrics).map(([k, v]) => [k, v])]),
    );
    if (ratios.length) {
      console.log('');
      console.log(
        table([
          ['ratio', 'value', 'target', 'floor', 'status'],
          ...ratios.map((r) => [r.name, r.value, r.target, r.floor, r.status]),
        ]),
      );
    }
    console.log(`  (${seconds} s)`);
    for (const r of ratios) {
      if (r.status === 'BELOW FLOOR') failed = true;
      summary.push([bench.name, r.name, r.value, r.target, r.floor, r.status]);
    }
    if (!ratios.length) summary.push([bench.name, '(no ratios)', '', '', '', 'ok']);

    const file = path.join(resultsDir, `${bench.name}.json`);
    const record = {
      name: bench.name,
      description: bench.description,
      startedAt: startedAt.toISOString(),
      seconds,
      rounds,
      machine: machine(),
      metrics: result.metrics,
      ratios,
      details: result.details,
    };
    await writeFile(file, JSON.stringify(record, null, 2) + '\n');
    console.log(`  wrote ${path.relative(process.cwd(), file)}`);
  }

  if (summary.length > 1 || selected.length > 1) {
    console.log('\n== summary');
    console.log(table([['benchmark', 'ratio', 'value', 'target', 'floor', 'status'], ...summary]));
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err.stack ?? err);
    process.exit(1);
  },
);
