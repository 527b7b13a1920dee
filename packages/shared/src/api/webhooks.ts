import { z } from 'zod';
import { webhookDeliveryStatusSchema, webhookEventTypeSchema } from '../webhooks.js';

// What the webhook routes answer (apps/api routes/webhooks.ts).

/** An endpoint; its signing secret is shown only when created or rotated. */
export const webhookEndpointSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(webhookEventTypeSchema),
  enabled: z.boolean(),
  /** Why it was turned off by itself (sustained failure), if it was. */
  disabledReason: z.string().nullable(),
  disabledAt: z.string().nullable(),
  /** Start of the current run of failures, if failing. */
  failingSince: z.string().nullable(),
  /** When the previous secret stops being signed with (a rotation's overlap), if rotating. */
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** A new endpoint, or a rotation: the secret (`whsec_…`), shown this once. */
export const webhookEndpointWithSecretSchema = webhookEndpointSchema.extend({
  secret: z.string(),
});
export type WebhookEndpointWithSecret = z.infer<typeof webhookEndpointWithSecretSchema>;

export const webhookAttemptSchema = z.object({
  at: z.string(),
  /** The HTTP status, null when none came (timeout, refused, guard). */
  status: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
  /** The first 1,000 characters of the response body. */
  responseExcerpt: z.string().nullable(),
});

export const webhookDeliverySchema = z.object({
  id: z.uuid(),
  /** The `webhook-id` header: the same on every attempt and every replay. */
  webhookId: z.string(),
  endpointId: z.uuid(),
  eventType: z.string(),
  status: webhookDeliveryStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  lastAttempt: webhookAttemptSchema.nullable(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListSchema = z.object({ items: z.array(webhookDeliverySchema) });

export const webhookDeliveryDetailSchema = webhookDeliverySchema.extend({
  payload: z.unknown(),
  attemptsLog: z.array(webhookAttemptSchema),
});

export const webhookReplayResultSchema = z.object({ replayed: z.number().int() });
