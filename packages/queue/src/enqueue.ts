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
