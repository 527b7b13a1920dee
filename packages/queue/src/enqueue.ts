import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_JOB_OPTIONS, JOBS } from './names.js';
import { emailSendJobId, type EmailSendPayload, type LeadsImportPayload } from './payloads.js';

/**
 * Enqueues `email.send` for a Message row already committed to Postgres (queue QUEUES.email).
 * The deterministic job id makes a repeated call a no-op while the job exists; the retry policy
 * (DEFAULT_JOB_OPTIONS) is applied whatever the producer's queue defaults are.
 */
export async function enqueueEmailSend(
  queue: Queue,
  messageId: string,
  options: Pick<JobsOptions, 'delay' | 'priority'> = {},
): Promise<void> {
  const payload: EmailSendPayload = { messageId };
  await queue.add(JOBS.emailSend, payload, {
    ...DEFAULT_JOB_OPTIONS,
    ...options,
    jobId: emailSendJobId(messageId),
  });
}

/** `enqueueEmailSend` for many rows in one round trip (addBulk). */
export async function enqueueEmailSends(
  queue: Queue,
  items: ({ messageId: string } & Pick<JobsOptions, 'delay' | 'priority'>)[],
): Promise<void> {
  if (items.length === 0) return;
  await queue.addBulk(
    items.map(({ messageId, ...options }) => {
      const payload: EmailSendPayload = { messageId };
      return {
        name: JOBS.emailSend,
        data: payload,
        opts: { ...DEFAULT_JOB_OPTIONS, ...options, jobId: emailSendJobId(messageId) },
      };
    }),
  );
}

/**
 * Which of these job ids have no job in the queue at all: BullMQ keeps a job's hash from the add
 * until the job is removed, whatever its state, so a missing hash proves the job is gone (lost
 * with Redis' data, or removed after it finished). One pipelined EXISTS per id, one round trip
 * on `redis` (the connection the queue was made with).
 */
export async function missingJobIds(
  redis: Redis,
  queue: Queue,
  jobIds: string[],
): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const pipeline = redis.pipeline();
  for (const id of jobIds) pipeline.exists(queue.toKey(id));
  const replies = (await pipeline.exec()) ?? [];
  const missing = new Set<string>();
  replies.forEach(([err, n], i) => {
    if (err) throw err;
    if (n === 0) missing.add(jobIds[i]!);
  });
  return missing;
}

/**
 * Enqueues a fresh `email.send` job for each message put back to `queued` after an earlier
 * attempt (recovery of a stopped worker's claims, a person's re-queue after review). The earlier
 * job may still exist under the deterministic id, so these get ids of their own (`why` plus a
 * timestamp); the claim in Postgres still hands each row to one attempt only.
 */
export async function requeueEmailSend(
  queue: Queue,
  messageIds: string[],
  why: 'recovered' | 'review',
): Promise<void> {
  const stamp = Date.now().toString(36);
  await queue.addBulk(
    messageIds.map((messageId) => ({
      name: JOBS.emailSend,
      data: { messageId } satisfies EmailSendPayload,
      opts: { ...DEFAULT_JOB_OPTIONS, jobId: `${emailSendJobId(messageId)}-${why}-${stamp}` },
    })),
  );
}

/**
 * Enqueues `leads.import` for a LeadImport row already committed as running (queue
 * QUEUES.imports). `attempt` names a later hand-over of the same import (a resume after a worker
 * stopped): a repeated call with the same attempt is a no-op, while the claim in Postgres lets
 * one worker at a time run it.
 */
export async function enqueueLeadsImport(
  queue: Queue,
  importId: string,
  attempt = 'start',
): Promise<void> {
  const payload: LeadsImportPayload = { importId };
  await queue.add(JOBS.leadsImport, payload, {
    ...DEFAULT_JOB_OPTIONS,
    jobId: `import-${importId}-${attempt.replace(/:/g, '-')}`,
  });
}
