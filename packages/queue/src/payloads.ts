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

/** Redis stream the tracking app appends every open/click/unsubscribe hit to. */
export const EVENTS_STREAM = 'kindling:events';

/**
 * Deterministic job id for sending one message: a duplicate enqueue is a no-op. No ":" in it:
 * BullMQ 5 rejects custom ids with one colon ("Custom Id cannot contain :").
 */
export const emailSendJobId = (messageId: string) => `send-${messageId}`;
