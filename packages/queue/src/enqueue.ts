import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_JOB_OPTIONS, JOBS } from './names.js';
import {
  dripStepJobId,
  emailSendJobId,
  leadsImportJobId,
  webhookDeliverJobId,
  type DripStepPayload,
  type EmailSendPayload,
  type LeadsImportPayload,
  type WebhookDeliverPayload,
} from './payloads.js';

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
 * Enqueues `drip.step` (queue QUEUES.drip) for enrollments due at `runAt`, delayed until then
 * (measured from `now`, the engine's clock), in one round trip. The job id is the enrollment and
 * its due time, so a repeated sweep is a no-op. A finished job is removed at once, so a later
 * sweep can add the same id again while the row is still due; a failed one (retries spent, e.g.
 * the database was away) is kept ten minutes for inspection, then the sweep re-creates it: the
 * row, not the job, is the schedule.
 */
export async function enqueueDripSteps(
  queue: Queue,
  items: { enrollmentId: string; runAt: Date }[],
  now: number,
): Promise<void> {
  if (items.length === 0) return;
  await queue.addBulk(
    items.map(({ enrollmentId, runAt }) => ({
      name: JOBS.dripStep,
      data: { enrollmentId } satisfies DripStepPayload,
      opts: {
        ...DEFAULT_JOB_OPTIONS,
        jobId: dripStepJobId(enrollmentId, runAt),
        delay: Math.max(0, runAt.getTime() - now),
        removeOnComplete: true,
        removeOnFail: { age: 600 },
      },
    })),
  );
}

/**
 * Enqueues `leads.import` (queue QUEUES.imports) for a LeadImport row already committed as
 * running. `attempt` names a later hand-over of the same import (a resume after its worker
 * stopped); the claim in Postgres lets one worker at a time run it.
 */
export async function enqueueLeadsImport(
  queue: Queue,
  importId: string,
  attempt = 'start',
): Promise<void> {
  const payload: LeadsImportPayload = { importId };
  await queue.add(JOBS.leadsImport, payload, {
    ...DEFAULT_JOB_OPTIONS,
    jobId: leadsImportJobId(importId, attempt),
  });
}

/**
 * Enqueues attempts of webhook deliveries (queue QUEUES.webhooks) whose rows are committed: the
 * job id names the delivery and its attempt number, so enqueuing one twice is a no-op while the
 * job exists. Retries are new jobs of the next attempt (the worker schedules them from
 * WEBHOOK_RETRY_SCHEDULE_MS), so BullMQ itself never retries one.
 */
export async function enqueueWebhookDeliveries(
  queue: Queue,
  items: { deliveryId: string; attempt: number; delayMs?: number }[],
): Promise<void> {
  if (items.length === 0) return;
  await queue.addBulk(
    items.map(({ deliveryId, attempt, delayMs }) => {
      const payload: WebhookDeliverPayload = { deliveryId };
      return {
        name: JOBS.webhookDeliver,
        data: payload,
        opts: {
          ...DEFAULT_JOB_OPTIONS,
          attempts: 1,
          delay: delayMs && delayMs > 0 ? delayMs : undefined,
          jobId: webhookDeliverJobId(deliveryId, attempt),
        },
      };
    }),
  );
}
