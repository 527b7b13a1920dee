// Throttle accuracy: three client processes take tokens from one warm-up window cap through the
// real limiter (one Lua script in Redis) with demand far above the cap. Every window must stay
// at or under the cap, and the clients together must use at least 95% of what the cap allows.
// Side by side, the same load through a naive check-then-increment limiter shows why the check
// and the increment have to be one atomic step (it overshoots).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './lib/stats.mjs';

export const name = 'throttle-accuracy';
export const description =
  'warm-up window cap shared by 3 processes: windows over cap, share of allowed volume used';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const WINDOW_MS = 200;
const PER_WINDOW = 25;
const DURATION_MS = Number(process.env.BENCH_DURATION ?? 3) * 1000;
const CLIENTS = 3;

function client(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench/fixtures/throttle-client.ts')],
      {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out))
        : reject(new Error(`throttle client exited ${code}: ${err}`)),
    );
  });
}

async function measure(mode) {
  const prefix = `bench-thr:${randomUUID()}`;
  // Start all clients on the same window boundary, a little ahead so every process is ready.
  const startAt = Math.ceil((Date.now() + 1500) / WINDOW_MS) * WINDOW_MS;
  const env = {
    REDIS_URL,
    PREFIX: prefix,
    WINDOW_MS: String(WINDOW_MS),
    PER_WINDOW: String(PER_WINDOW),
    DURATION_MS: String(DURATION_MS),
    START_AT: String(startAt),
    MODE: mode,
  };
  const results = await Promise.all(Array.from({ length: CLIENTS }, () => client(env)));
  const perWindow = {};
  let attempts = 0;
  for (const r of results) {
    attempts += r.attempts;
    for (const [w, n] of Object.entries(r.granted)) perWindow[w] = (perWindow[w] ?? 0) + n;
  }
  // Only windows wholly inside the run count towards utilisation.
  const first = startAt / WINDOW_MS;
  const last = (startAt + DURATION_MS) / WINDOW_MS - 1;
  let full = 0;
  let used = 0;
  let over = 0;
  let maxSeen = 0;
  for (let w = first; w <= last; w++) {
    const n = perWindow[w] ?? 0;
    full++;
    used += n;
    if (n > PER_WINDOW) over++;
    maxSeen = Math.max(maxSeen, n);
  }
  for (const [w, n] of Object.entries(perWindow))
    if (n > PER_WINDOW && (Number(w) < first || Number(w) > last)) over++;
  return { windows: full, over, maxSeen, utilisation: used / (full * PER_WINDOW), attempts };
}

export async function run({ rounds, log }) {
  const lua = [];
  const naive = [];
  for (let r = 1; r <= rounds; r++) {
    const a = await measure('naive');
    naive.push(a);
    log(`round ${r}/${rounds} naive: ${JSON.stringify(a)}`);
    const b = await measure('lua');
    lua.push(b);
    log(`round ${r}/${rounds} lua: ${JSON.stringify(b)}`);
  }
  const over = lua.reduce((n, m) => n + m.over, 0);
  if (over > 0)
    throw new Error(
      `${over} windows went over the cap of ${PER_WINDOW}: the limiter is not atomic`,
    );
  const minUtil = Math.min(...lua.map((m) => m.utilisation));
  return {
    metrics: {
      windows_checked: lua.reduce((n, m) => n + m.windows, 0),
      windows_over_cap: over,
      min_utilisation: round(minUtil, 4),
      max_in_a_window: Math.max(...lua.map((m) => m.maxSeen)),
      naive_windows_over_cap: naive.reduce((n, m) => n + m.over, 0),
      naive_max_in_a_window: Math.max(...naive.map((m) => m.maxSeen)),
    },
    ratios: [
      {
        name: 'share of allowed volume used (worst round)',
        value: round(minUtil, 4),
        target: 0.95,
        floor: 0.95,
      },
    ],
    details: {
      windowMs: WINDOW_MS,
      perWindow: PER_WINDOW,
      clients: CLIENTS,
      durationMs: DURATION_MS,
      lua,
      naive,
    },
  };
}
