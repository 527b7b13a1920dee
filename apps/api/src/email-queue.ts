// The api's handles on the queue contracts of packages/queue, bound to one app instance's Redis
// connection and BullMQ prefix (`config.queuePrefix`, QUEUE_PREFIX by default).
import type { Queue } from 'bullmq';
import {
  emailQueue as emailQueueOf,
  importsQueue as importsQueueOf,
  QUEUES,
  queueFor,
  sendsTo,
  type EnqueueSends,
} from '@kindling/queue';
import type { AppDeps } from './deps.js';

/** The api's producer handle on the email.send queue (the connection's one Queue). */
export function emailQueue(deps: AppDeps): Queue {
  return emailQueueOf({ connection: deps.redis, prefix: deps.config.queuePrefix });
}

/** Enqueues email.send for committed Message rows: what `createMessage`/`withNewMessages` take. */
export function emailSends(deps: AppDeps): EnqueueSends {
  return sendsTo(emailQueue(deps));
}

/** The api's producer handle on the CSV import queue (leads.import). */
export function importsQueue(deps: AppDeps): Queue {
  return importsQueueOf({ connection: deps.redis, prefix: deps.config.queuePrefix });
}

/** The api's producer handle on the webhooks queue (replays, test events, re-enabled endpoints). */
export function webhooksQueue(deps: AppDeps): Queue {
  return queueFor(QUEUES.webhooks, { connection: deps.redis, prefix: deps.config.queuePrefix });
}
