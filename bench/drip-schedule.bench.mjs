// Drip scheduling with Postgres as the schedule: enrolling 100k leads into a 5-step campaign
// against a bare queue.addBulk of 100k jobs; Redis memory held per enrolled lead against
// scheduling every step as a BullMQ delayed job; lateness p99 when 10k steps fall due in the
// same minute. Own database (kindling_bench_drip) and Redis database 14 under bench-* prefixes.
// The measuring runs in a child process with tsx because it drives the TypeScript engine.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createBenchDatabase, dropBenchDatabase, root } from './lib/leads-bench.mjs';

export const name = 'drip-schedule';
export const description =
  'enroll 100k into a 5-step drip vs addBulk; Redis bytes per lead vs delayed jobs; lateness p99 of 10k steps due in one minute';

const DB = 'kindling_bench_drip';
const REDIS_URL = process.env.BENCH_DRIP_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

export async function run({ rounds, log }) {
  const url = createBenchDatabase(DB, log);
  try {
    const out = await new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'bench/fixtures/drip-schedule.ts')],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: url, REDIS_URL, BENCH_ROUNDS: String(rounds) },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      child.stdout.on('data', (c) => (stdout += c.toString()));
      child.stderr.on('data', (c) => {
        for (const line of c.toString().split('\n')) if (line.trim()) log(line);
      });
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`drip-schedule child exited with ${code}`));
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last));
        } catch {
          reject(new Error(`drip-schedule child printed no result: ${stdout.slice(-500)}`));
        }
      });
    });
    return out;
  } finally {
    dropBenchDatabase(DB);
  }
}
