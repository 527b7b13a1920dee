// Every name two processes must agree on: queues, jobs, Redis streams and the Redis key prefixes
// they share. Declared here only; apps and packages import them.

/** Queue names. One queue per job family so workers can be scaled per family. */
export const QUEUES = {
  drip: 'drip',
  email: 'email',
  imports: 'imports',
  maintenance: 'maintenance',
  webhooks: 'webhooks',
  dns: 'dns',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names: `domain.verb`. */
export const JOBS = {
  dripSweep: 'drip.sweep',
  dripStep: 'drip.step',
  emailSend: 'email.send',
  sessionsPurge: 'sessions.purge',
  leadsImport: 'leads.import',
  webhookDeliver: 'webhook.deliver',
  /** Re-checks the DNS of sending identities last checked a day ago (hourly, a batch each). */
  dnsRecheck: 'dns.recheck',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** BullMQ key prefix of every queue, api and worker alike (tests give each run its own). */
export const QUEUE_PREFIX = 'bull';

/** Redis stream the tracking app appends every open/click/unsubscribe hit to (events.ts). */
export const EVENTS_STREAM = 'kindling:events';

/** Redis stream the api appends accepted form submissions to; the worker's submissions drain reads it. */
export const SUBMISSIONS_STREAM = 'kindling:form-submissions';

/**
 * Key prefix of the warm-up and provider throttle counters (packages/sending warmup.ts): written
 * by every worker's email.send, read by the api's warm-up dashboard.
 */
export const THROTTLE_KEY_PREFIX = 'kindling:thr';

/** Key prefix of the per-endpoint webhook concurrency slots (one sorted set per endpoint). */
export const WEBHOOK_SLOTS_KEY_PREFIX = 'kindling:wh:slots:';

/** Retry policy in one place: attempts, exponential backoff, how long finished jobs are kept. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
