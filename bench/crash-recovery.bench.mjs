// Crash recovery of the send pipeline: 3,000 messages (BENCH_CRASH_MESSAGES) from two built
// worker processes through a relay with 10 ms of latency per answer (a TCP proxy in front of
// Postfix's smtp-sink, which dumps every message), one worker SIGKILLed at 10 random moments
// (BENCH_CRASH_KILLS) and restarted each time, against the same run without kills. Every message
// is counted at the sink by Message-ID; the run throws unless there are 0 duplicates, 0 messages
// silently lost, at most pool size x kills set aside for review, and every other message
// received once and recorded as sent. Own database (created and dropped) and Redis database.
// Ratios (higher is better): messages/s to all-final with kills vs without (what the kills cost,
// recovery included), and 1 - ambiguous / (pool size x kills) (how far under the bound).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runCrashScenario } from '../test/support/crash-scenario.mjs';
import { round } from './lib/stats.mjs';

export const name = 'crash-recovery';
export const description =
  'two workers, one SIGKILLed at random moments: counted at smtp-sink by Message-ID, vs no kills';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_CRASH_REDIS_URL ?? 'redis://127.0.0.1:6379/10';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const MESSAGES = Number(process.env.BENCH_CRASH_MESSAGES ?? 3000);
const KILLS = Number(process.env.BENCH_CRASH_KILLS ?? 10);
const POOL = 5;

function encrypt(plain) {
  return execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "import { encryptSecret } from './packages/sending/src/secrets.ts'; process.stdout.write(encryptSecret(process.env.S, process.env.U));",
    ],
    { cwd: root, env: { ...process.env, S: SECRET, U: plain }, encoding: 'utf8' },
  );
}

export async function run({ log }) {
  const dbName = `kindling_bench_crash_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  const dbUrl = new URL(PG_ADMIN);
  dbUrl.pathname = `/${dbName}`;
  try {
    await admin.query(`CREATE DATABASE "${dbName}"`);
    execFileSync(process.execPath, [path.join(root, 'scripts/prisma.mjs'), 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: dbUrl.toString() },
      stdio: 'pipe',
    });
    const scenario = (kills, expectedMs) =>
      runCrashScenario({
        databaseUrl: dbUrl.toString(),
        redisUrl: REDIS_URL,
        appSecret: SECRET,
        encrypt,
        messages: MESSAGES,
        kills,
        poolSize: POOL,
        latencyMs: 10,
        heartbeatMs: 500,
        expectedMs,
        timeoutMs: 600_000,
        log,
      });
    log(
      `${MESSAGES} messages, 2 workers x ${POOL} connections, 10 ms relay latency, ${KILLS} kills`,
    );
    // Side by side in the same run: without kills first (it also tells how long the kills have).
    const calm = await scenario(0, 0);
    log(`without kills: ${JSON.stringify(calm)}`);
    const killed = await scenario(KILLS, calm.msToAllFinal);
    log(`with kills: ${JSON.stringify(killed)}`);
    const bad = [];
    for (const r of [calm, killed]) {
      if (r.duplicates) bad.push(`${r.duplicates} duplicates`);
      if (r.lost) bad.push(`${r.lost} lost`);
      if (r.sentNotReceived) bad.push(`${r.sentNotReceived} recorded sent, never received`);
      if (r.receivedNotRecorded) bad.push(`${r.receivedNotRecorded} received, not recorded`);
      if (r.ambiguous > POOL * r.kills) bad.push(`${r.ambiguous} ambiguous > ${POOL} x ${r.kills}`);
    }
    if (killed.kills < KILLS)
      bad.push(`only ${killed.kills} kills landed while mail was going out`);
    if (bad.length) throw new Error(`crash rules broken: ${bad.join('; ')}`);
    return {
      metrics: {
        kills: killed.kills,
        duplicates: killed.duplicates,
        lost: killed.lost,
        ambiguous: killed.ambiguous,
        ambiguous_received: killed.ambiguousReceived,
        ambiguous_bound: POOL * killed.kills,
        s_to_all_final_no_kills: round(calm.msToAllFinal / 1000, 1),
        s_to_all_final_with_kills: round(killed.msToAllFinal / 1000, 1),
        msgs_per_s_no_kills: round(calm.messagesPerSec, 0),
        msgs_per_s_with_kills: round(killed.messagesPerSec, 0),
      },
      ratios: [
        {
          name: 'messages/s to all-final, kills vs none',
          value: round(killed.messagesPerSec / calm.messagesPerSec, 3),
          target: 0.7,
          floor: 0.4,
        },
        {
          name: '1 - ambiguous / (pool size x kills)',
          value: round(1 - killed.ambiguous / (POOL * killed.kills), 3),
          target: 0.5,
          floor: 0,
        },
      ],
      details: { calm, killed },
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
