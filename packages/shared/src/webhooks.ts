// Outgoing webhooks: the event types, the versioned payload of each (what a receiver gets as the
// POST body), and the endpoint settings. The worker builds payloads that parse by these schemas,
// the api documents them in the OpenAPI document's `webhooks` section from these same schemas,
// and the web app offers the event types listed here.
import { z } from 'zod';
import { leadStatusSchema } from './leads.js';

export const WEBHOOK_EVENT_TYPES = [
  'lead.created',
  'lead.updated',
  'lead.confirmed',
  'lead.unsubscribed',
  'lead.suppressed',
  'form.submitted',
  'enrollment.started',
  'enrollment.exited',
  'message.sent',
  'message.bounced',
  'message.complained',
  'message.opened',
  'message.clicked',
  'sending.paused',
] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** The payload version: a breaking change to a payload makes a new version. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

/** A lead as it was when the event happened. */
export const webhookLeadSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  status: leadStatusSchema,
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  timeZone: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const leadData = z.object({ lead: webhookLeadSchema });
const messageRef = {
  messageId: z.uuid(),
  leadId: z.uuid().nullable(),
  campaignId: z.uuid().nullable(),
  toEmail: z.string(),
};

/** The `data` of each event type. */
export const WEBHOOK_DATA_SCHEMAS = {
  'lead.created': leadData,
  'lead.updated': leadData,
  'lead.confirmed': leadData,
  'lead.unsubscribed': leadData.extend({ source: z.string().nullable() }),
  'lead.suppressed': leadData.extend({
    reason: z.enum(['hard_bounce', 'soft_bounce', 'complaint', 'unsubscribe', 'manual']),
  }),
  'form.submitted': z.object({
    submissionId: z.uuid(),
    formId: z.uuid(),
    leadId: z.uuid().nullable(),
    /** The submitted values, as validated. */
    data: z.record(z.string(), z.unknown()),
    utmSource: z.string().nullable(),
    utmMedium: z.string().nullable(),
    utmCampaign: z.string().nullable(),
    referrer: z.string().nullable(),
    pageUrl: z.string().nullable(),
  }),
  'enrollment.started': z.object({
    enrollmentId: z.uuid(),
    campaignId: z.uuid(),
    leadId: z.uuid(),
    source: z.string(),
  }),
  'enrollment.exited': z.object({
    enrollmentId: z.uuid(),
    campaignId: z.uuid(),
    leadId: z.uuid(),
    status: z.string(),
    reason: z.string().nullable(),
  }),
  'message.sent': z.object({ ...messageRef, subject: z.string() }),
  'message.bounced': z.object({
    ...messageRef,
    bounceType: z.enum(['hard', 'soft']),
    detail: z.string().nullable(),
  }),
  'message.complained': z.object({ ...messageRef, detail: z.string().nullable() }),
  'message.opened': z.object({
    ...messageRef,
    /** A privacy proxy, scanner or bot rather than a person (kept, but marked). */
    machine: z.boolean(),
    machineReason: z.string().nullable(),
  }),
  'message.clicked': z.object({
    ...messageRef,
    url: z.string().nullable(),
    machine: z.boolean(),
    machineReason: z.string().nullable(),
  }),
  'sending.paused': z.object({
    /** What the reputation guard paused: an identity, or the workspace's shared pool. */
    scope: z.string(),
    identityId: z.uuid().nullable(),
    reason: z.string(),
  }),
} as const satisfies Record<WebhookEventType, z.ZodType>;

/** The body of one webhook POST (Standard Webhooks: type, timestamp, data). */
export function webhookPayloadSchema<T extends WebhookEventType>(type: T) {
  return z.object({
    type: z.literal(type),
    version: z.literal(WEBHOOK_PAYLOAD_VERSION),
    /** When the event happened (ISO 8601). */
    timestamp: z.string(),
    workspaceId: z.uuid(),
    data: WEBHOOK_DATA_SCHEMAS[type],
  });
}

/** "send test event": a `webhook.test` event to one endpoint only. */
export const webhookTestPayloadSchema = z.object({
  type: z.literal('webhook.test'),
  version: z.literal(WEBHOOK_PAYLOAD_VERSION),
  timestamp: z.string(),
  workspaceId: z.uuid(),
  data: z.object({ endpointId: z.uuid(), message: z.string() }),
});

export const saveWebhookEndpointSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'Enter an http:// or https:// URL' }).max(2000),
  description: z.string().trim().max(500).default(''),
  eventTypes: z.array(webhookEventTypeSchema).min(1, 'Choose at least one event').max(50),
  enabled: z.boolean().default(true),
});
export type SaveWebhookEndpointInput = z.input<typeof saveWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = saveWebhookEndpointSchema.partial();

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const webhookDeliveryStatusSchema = z.enum(WEBHOOK_DELIVERY_STATUSES);

export const webhookDeliveryFiltersSchema = z.object({
  endpointId: z.uuid().optional(),
  status: webhookDeliveryStatusSchema.optional(),
  eventType: z.string().max(50).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Replay: one delivery, or every delivery of an endpoint in a time range. */
export const replayWebhooksSchema = z.object({
  endpointId: z.uuid(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  status: webhookDeliveryStatusSchema.optional(),
});
