// The one way to get a BullMQ Queue (a producer handle) for api and worker alike: one per
// connection, prefix and queue name, made on first use with the retry policy of names.ts.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_JOB_OPTIONS, QUEUE_PREFIX, QUEUES, type QueueName } from './names.js';
import { enqueueEmailSends } from './enqueue.js';

/** Where a queue lives: the caller's Redis connection and the BullMQ key prefix (default `bull`). */
export interface QueueConnection {
  connection: Redis;
  /** BullMQ key prefix; tests give each run its own. Default QUEUE_PREFIX. */
  prefix?: string;
}

const opened = new WeakMap<Redis, Map<string, Queue>>();

/**
 * The Queue `name` on this connection and prefix, shared by every caller in the process. It
 * lives as long as its connection and holds no connection of its own, so callers never close it
 * (closing it would close it for every other caller); closing the connection ends it.
 */
export function queueFor(name: QueueName, c: QueueConnection): Queue {
  const prefix = c.prefix ?? QUEUE_PREFIX;
  let byName = opened.get(c.connection);
  if (!byName) opened.set(c.connection, (byName = new Map<string, Queue>()));
  const key = `${prefix}\n${name}`;
  let queue = byName.get(key);
  if (!queue) {
    queue = new Queue(name, {
      connection: c.connection,
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    byName.set(key, queue);
  }
  return queue;
}

/** `queueFor(QUEUES.email, c)`: the queue email.send consumes. */
export const emailQueue = (c: QueueConnection): Queue => queueFor(QUEUES.email, c);

/** `queueFor(QUEUES.imports, c)`: the queue the worker's CSV import consumes (leads.import). */
export const importsQueue = (c: QueueConnection): Queue => queueFor(QUEUES.imports, c);

/** Enqueues `email.send` for Message rows already committed (deterministic job ids: repeats are no-ops). */
export type EnqueueSends = (messageIds: string[]) => Promise<void>;

/** The EnqueueSends of an email queue: one addBulk per call. */
export const sendsTo =
  (queue: Queue): EnqueueSends =>
  (messageIds) =>
    enqueueEmailSends(
      queue,
      messageIds.map((messageId) => ({ messageId })),
    );
