// Runs a baseline and a candidate in interleaved rounds (baseline, candidate, baseline, ...),
// so that slow drifts of the machine (thermal, other processes, GC of long-lived servers)
// hit both sides alike. Ratios are taken per round, between the two adjacent measurements.
import { median } from './stats.mjs';

/** The number of rounds: BENCH_ROUNDS from the environment, else the given default (5). */
export function roundsFromEnv(fallback = 5) {
  const n = Number.parseInt(process.env.BENCH_ROUNDS ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Runs `variants` (an object of name -> async () => measurement) in interleaved rounds, in the
 * object's key order, and returns { [name]: measurement[] }. `warmup` runs each once first,
 * unrecorded, to get past JIT and connection set-up.
 */
export async function interleaved(
  variants,
  { rounds = roundsFromEnv(), warmup, log = () => {} } = {},
) {
  const names = Object.keys(variants);
  if (warmup) {
    for (const name of names) {
      log(`warm-up ${name}`);
      await warmup(name, variants[name]);
    }
  }
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const name of names) {
      const m = await variants[name]();
      results[name].push(m);
      log(`round ${r}/${rounds} ${name}: ${describe(m)}`);
    }
  }
  return results;
}

/** Median of one numeric field across a variant's rounds. */
export function medianOf(measurements, field) {
  return median(measurements.map((m) => (typeof field === 'function' ? field(m) : m[field])));
}

/** Median of per-round ratios candidate[field] / baseline[field] (paired by round). */
export function pairedRatio(candidate, baseline, field) {
  const get = (m) => (typeof field === 'function' ? field(m) : m[field]);
  return median(candidate.map((c, i) => get(c) / get(baseline[i])));
}

function describe(m) {
  if (m && typeof m === 'object' && 'requestsPerSec' in m) {
    const parts = [`${Math.round(m.requestsPerSec)} req/s`, `p99 ${m.latencyP99Ms} ms`];
    if (Number.isFinite(m.requestsPerCpuSec)) {
      parts.push(`${Math.round(m.requestsPerCpuSec)} req/CPU-s`);
    }
    if (m.errors || m.non2xx) parts.push(`${m.errors} errors, ${m.non2xx} non-2xx`);
    return parts.join(', ');
  }
  return JSON.stringify(m);
}
