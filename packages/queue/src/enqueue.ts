import type { JobsOptions, Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, JOBS } from './names.js';
import { emailSendJobId, type EmailSendPayload } from './payloads.js';

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
