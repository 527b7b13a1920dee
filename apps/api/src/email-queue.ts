import { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, QUEUES, type QueueName } from '@kindling/queue';
import type { AppDeps } from './deps.js';

const queues = new WeakMap<AppDeps, Map<QueueName, Queue>>();

/** The api's producer handle on one queue, one per app instance and queue. */
function producerQueue(deps: AppDeps, name: QueueName): Queue {
  let byName = queues.get(deps);
  if (!byName) queues.set(deps, (byName = new Map<QueueName, Queue>()));
  let q = byName.get(name);
  if (!q) {
    q = new Queue(name, {
      connection: deps.redis,
      prefix: deps.config.queuePrefix ?? 'bull',
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    byName.set(name, q);
  }
  return q;
}

/** The api's producer handle on the email.send queue, one per app instance. */
export function emailQueue(deps: AppDeps): Queue {
  return producerQueue(deps, QUEUES.email);
}

/** The api's producer handle on the CSV import queue (leads.import), one per app instance. */
export function importsQueue(deps: AppDeps): Queue {
  return producerQueue(deps, QUEUES.imports);
}
