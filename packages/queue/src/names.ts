/** Queue names. One queue per job family so workers can be scaled per family. */
export const QUEUES = {
  drip: 'drip',
  email: 'email',
  events: 'events',
  imports: 'imports',
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names: `domain.verb`. */
export const JOBS = {
  dripSweep: 'drip.sweep',
  dripStep: 'drip.step',
  emailSend: 'email.send',
  eventsDrain: 'events.drain',
  sessionsPurge: 'sessions.purge',
  leadsImport: 'leads.import',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** Retry policy in one place: attempts, exponential backoff, how long finished jobs are kept. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
