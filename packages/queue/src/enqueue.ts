import type { JobsOptions, Queue } from 'bullmq';
import { JOBS } from './names.js';
import { emailSendJobId, type EmailSendPayload } from './payloads.js';

/**
 * Enqueues `email.send` for a Message row already committed to Postgres (queue QUEUES.email).
 * The deterministic job id makes a repeated call a no-op while the job exists.
 */
export async function enqueueEmailSend(queue: Queue, messageId: string, options: Pick<JobsOptions, 'delay' | 'priority'> = {}): Promise<void> {
  const payload: EmailSendPayload = { messageId };
  await queue.add(JOBS.emailSend, payload, { ...options, jobId: emailSendJobId(messageId) });
}
