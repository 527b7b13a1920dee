import { z } from 'zod';

// Job payloads carry ids, never personal data: the processor reloads state from Postgres.

/** `email.send`: send one Message row (campaign step, confirmation or test). */
export const emailSendPayload = z.object({ messageId: z.uuid() });
export type EmailSendPayload = z.infer<typeof emailSendPayload>;

/** `drip.step`: run the current step of one enrollment if it is due. */
export const dripStepPayload = z.object({ enrollmentId: z.uuid() });
export type DripStepPayload = z.infer<typeof dripStepPayload>;

/** `leads.import`: run (or resume) one CSV import (a LeadImport row with its file in Postgres). */
export const leadsImportPayload = z.object({ importId: z.uuid() });
export type LeadsImportPayload = z.infer<typeof leadsImportPayload>;

/** `webhook.deliver`: one attempt of one webhook delivery (the row holds the rest). */
export const webhookDeliverPayload = z.object({ deliveryId: z.uuid() });
export type WebhookDeliverPayload = z.infer<typeof webhookDeliverPayload>;

/**
 * Deterministic job id for sending one message: a duplicate enqueue is a no-op. No ":" in it:
 * BullMQ 5 rejects custom ids with one colon ("Custom Id cannot contain :").
 */
export const emailSendJobId = (messageId: string) => `send-${messageId}`;

/** Deterministic job id of one scheduled run of an enrollment (no ":" allowed by BullMQ). */
export const dripStepJobId = (enrollmentId: string, runAt: Date) =>
  `step-${enrollmentId}-${runAt.getTime()}`;

/**
 * Job id of one hand-over of an import to the queue: `start`, or a resume named after what it
 * resumes (the stale heartbeat, a shutdown), so a repeated hand-over is a no-op (no ":").
 */
export const leadsImportJobId = (importId: string, attempt: string) =>
  `import-${importId}-${attempt.replace(/:/g, '-')}`;

/** One job per attempt of a delivery: a repeated enqueue of the same attempt is a no-op. */
export const webhookDeliverJobId = (deliveryId: string, attempt: number) =>
  `wh-${deliveryId}-${attempt}`;
