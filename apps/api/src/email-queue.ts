import { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, QUEUES } from '@kindling/queue';
import type { AppDeps } from './deps.js';

const queues = new WeakMap<AppDeps, Queue>();

/** The api's producer handle on the email.send queue, one per app instance. */
export function emailQueue(deps: AppDeps): Queue {
  let q = queues.get(deps);
  if (!q) {
    q = new Queue(QUEUES.email, {
      connection: deps.redis,
      prefix: deps.config.queuePrefix ?? 'bull',
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    queues.set(deps, q);
  }
  return q;
}
