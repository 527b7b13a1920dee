// A worker process running only the webhooks module, for the crash test (the test SIGKILLs it
// mid-delivery). Settings from the environment: DATABASE_URL, REDIS_URL, QUEUE_PREFIX,
// APP_SECRET, WEBHOOKS (JSON of the module's settings), EGRESS_ALLOW, EGRESS_OWN_PORTS.
import pino from 'pino';
import { createDb } from '@kindling/db';
import { createWorkerRedis } from '@kindling/queue';
import { startWorker } from '../../../worker/src/worker.js';
import { webhooksModule } from '../../../worker/src/modules/webhooks/index.js';

const env = process.env;
const db = createDb(env.DATABASE_URL!, { poolSize: 4 });
const redis = createWorkerRedis(env.REDIS_URL!);
await startWorker({
  db,
  redis,
  logger: pino({ level: env.TEST_LOG_LEVEL ?? 'silent' }),
  concurrency: 1,
  prefix: env.QUEUE_PREFIX!,
  modules: [webhooksModule],
  config: {
    appSecret: env.APP_SECRET!,
    publicUrl: 'http://localhost:3000',
    trackingUrl: 'http://localhost:3001',
    egress: {
      allow: env.EGRESS_ALLOW,
      ownPorts: JSON.parse(env.EGRESS_OWN_PORTS ?? '[]') as number[],
    },
    webhooks: JSON.parse(env.WEBHOOKS ?? '{}') as Record<string, number>,
  },
});
process.stdout.write('ready\n');
