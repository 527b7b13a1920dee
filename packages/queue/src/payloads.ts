import { z } from 'zod';

// Job payloads carry ids, never personal data: the processor reloads state from Postgres.

/** `email.send`: send one Message row (campaign step, confirmation or test). */
export const emailSendPayload = z.object({ messageId: z.uuid() });
export type EmailSendPayload = z.infer<typeof emailSendPayload>;

/** `drip.step`: run the current step of one enrollment if it is due. */
export const dripStepPayload = z.object({ enrollmentId: z.uuid() });
export type DripStepPayload = z.infer<typeof dripStepPayload>;

/**
 * Deterministic job id for sending one message: a duplicate enqueue is a no-op. No ":" in it:
 * BullMQ 5 rejects custom ids with one colon ("Custom Id cannot contain :").
 */
export const emailSendJobId = (messageId: string) => `send-${messageId}`;

/** Deterministic job id of one scheduled run of an enrollment (no ":" allowed by BullMQ). */
export const dripStepJobId = (enrollmentId: string, runAt: Date) =>
  `step-${enrollmentId}-${runAt.getTime()}`;
