// Crash safety of email.send, short (the full run is `npm run bench -- crash-recovery`): two
// built worker processes send through a relay with some latency into Postfix's smtp-sink while
// one of them is SIGKILLed at random moments and restarted. Counted at the sink by Message-ID:
// nothing twice, nothing silently lost, at most the pool size per kill set aside for review,
// everything else delivered exactly once and recorded as sent.
import { expect, it } from 'vitest';
import { encryptSecret } from '@kindling/sending';
import { runCrashScenario } from './support/crash-scenario.mjs';

const SECRET = 'crash-secret-0123456789abcdef0123456789abcdef';

it('a killed worker strands nothing: no duplicate, no loss, at most the pool size ambiguous per kill', async () => {
  const r = await runCrashScenario({
    databaseUrl: process.env.DATABASE_URL!,
    // A Redis database of its own: other products' workers use BullMQ's default prefix on db 0.
    redisUrl: process.env.REDIS_URL!.replace(/\/\d*$/, '/9'),
    appSecret: SECRET,
    encrypt: (plain) => encryptSecret(SECRET, plain),
    messages: 400,
    kills: 3,
    poolSize: 2,
    latencyMs: 15,
    heartbeatMs: 500,
    expectedMs: 6_000,
    timeoutMs: 100_000,
    log: (m) => console.log(`[crash] ${m}`),
  });
  console.log(`[crash] ${JSON.stringify(r)}`);
  expect(r.kills).toBeGreaterThanOrEqual(2);
  expect(r.duplicates).toBe(0);
  expect(r.lost).toBe(0);
  expect(r.sentNotReceived).toBe(0);
  expect(r.receivedNotRecorded).toBe(0);
  expect(r.ambiguous).toBeLessThanOrEqual(r.poolSize * r.kills);
  expect(r.received + r.ambiguous - r.ambiguousReceived).toBe(r.messages);
  expect(r.statuses.sent! + r.ambiguous).toBe(r.messages);
});
