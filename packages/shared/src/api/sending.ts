// Response schemas of the sending routes: what apps/api declares and answers, typed for apps/web.
import { z } from 'zod';
import { RELAY_ADAPTER_KINDS, relayKindSchema } from '../sending.js';

/** The sending-domain DNS checks (packages/sending dns/health.ts runs them). */
export const DNS_CHECK_KINDS = ['spf', 'dkim', 'dmarc', 'return_path_mx', 'tracking'] as const;
/** pass; warn: works but should change; fail: mail is hurt; error: DNS did not answer; skipped. */
export const dnsCheckStatusSchema = z.enum(['pass', 'warn', 'fail', 'error', 'skipped']);
export type DnsCheckStatus = z.infer<typeof dnsCheckStatusSchema>;
export const dnsRecordSchema = z.object({
  type: z.enum(['TXT', 'MX', 'A']),
  name: z.string(),
  value: z.string(),
});
export type DnsRecordToPublish = z.infer<typeof dnsRecordSchema>;
export const dnsCheckSchema = z.object({
  kind: z.enum(DNS_CHECK_KINDS),
  status: dnsCheckStatusSchema,
  /** The DNS name looked at. */
  name: z.string(),
  /** What was found there, if anything. */
  found: z.string().nullable(),
  /** What is right or wrong, in a sentence. */
  message: z.string(),
  /** The record to publish to fix it; null when there is nothing to publish. */
  record: dnsRecordSchema.nullable(),
});
export type DnsCheck = z.infer<typeof dnsCheckSchema>;
export const dnsHealthSchema = z.object({
  /** The worst check. */
  status: dnsCheckStatusSchema,
  checkedAt: z.string(),
  /** Since when a check fails; null while none does. */
  failingSince: z.string().nullable(),
  checks: z.array(dnsCheckSchema),
});
export type DnsHealth = z.infer<typeof dnsHealthSchema>;

export const identitySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  fromName: z.string(),
  fromEmail: z.string(),
  replyTo: z.string().nullable(),
  /** With the password masked; null = dev mail catcher. */
  smtpUrl: z.string().nullable(),
  poolSize: z.number(),
  ipPool: z.string(),
  returnPathDomain: z.string().nullable(),
  dkim: z
    .object({ domain: z.string(), selector: z.string(), dnsName: z.string(), dnsValue: z.string() })
    .nullable(),
  status: z.enum(['active', 'paused']),
  pausedReason: z.string().nullable(),
  /** The last DNS check of its domains (daily and on demand); null before the first. */
  dnsHealth: dnsHealthSchema.nullable(),
  /** Where the identity's relay reports bounces and complaints, and what it needs to sign. */
  relay: z.object({
    kind: relayKindSchema,
    /** The URL to paste into the provider's console (null: none needed). */
    webhookUrl: z.string().nullable(),
    /** provider: its key is pasted into Kindling; kindling: the URL carries Kindling's token. */
    keySource: z.enum(['provider', 'kindling']).nullable(),
    keyLabel: z.string().nullable(),
    /** Whether a key is stored (the provider's key itself never leaves). */
    keySet: z.boolean(),
  }),
  createdAt: z.string(),
});
export type Identity = z.infer<typeof identitySchema>;

export const warmupPlanSchema = z.object({
  id: z.uuid(),
  scope: z.enum(['ip_pool', 'domain']),
  key: z.string(),
  enabled: z.boolean(),
  startedAt: z.string(),
  startVolume: z.number(),
  growthFactor: z.number(),
  targetVolume: z.number(),
  schedule: z.array(z.number()),
  providerCaps: z.record(z.string(), z.number()),
  sendStartHour: z.number(),
  sendEndHour: z.number(),
  complaintWarn: z.number(),
  complaintPause: z.number(),
  bounceWarn: z.number(),
  bouncePause: z.number(),
  status: z.enum(['active', 'paused']),
  pausedReason: z.string().nullable(),
  day: z.number(),
  todayCap: z.number(),
  todayUsed: z.number(),
  held: z.number(),
  curve: z.array(z.number()),
  reputation: z.object({
    sent: z.number(),
    bounces: z.number(),
    complaints: z.number(),
    bounceRate: z.number(),
    complaintRate: z.number(),
    level: z.enum(['ok', 'warn', 'paused']),
    reason: z.string().nullable(),
  }),
});
export type WarmupPlanView = z.infer<typeof warmupPlanSchema>;

export const caughtMessageSummarySchema = z.object({
  id: z.uuid(),
  messageId: z.string().nullable(),
  envelopeFrom: z.string(),
  envelopeTo: z.array(z.string()),
  subject: z.string(),
  size: z.number(),
  receivedAt: z.string(),
});
export type CaughtMessageSummary = z.infer<typeof caughtMessageSummarySchema>;

export const caughtMessageSchema = caughtMessageSummarySchema.extend({
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
  html: z.string().nullable(),
  text: z.string().nullable(),
  raw: z.string(),
});
export type CaughtMessage = z.infer<typeof caughtMessageSchema>;

/** An inbound report Kindling could not prove was about its own mail: stored, never acted on. */
export const inboundReviewSchema = z.object({
  id: z.uuid(),
  source: z.enum(['smtp', 'ses', ...RELAY_ADAPTER_KINDS]),
  kind: z.string(),
  reason: z.enum([
    'no_token',
    'bad_signature',
    'unknown_message',
    'conflicting_tokens',
    'unverified',
  ]),
  /** The message the report claims to be about (unproven). */
  messageId: z.string().nullable(),
  envelopeFrom: z.string(),
  envelopeTo: z.string(),
  namedRecipients: z.array(z.string()),
  excerpt: z.string(),
  receivedAt: z.string(),
});
export type InboundReview = z.infer<typeof inboundReviewSchema>;

/** A message set aside for a person: its SMTP outcome is unknown (see the worker's email-send.ts). */
export const reviewMessageSchema = z.object({
  id: z.uuid(),
  toEmail: z.string(),
  subject: z.string(),
  kind: z.enum(['campaign', 'confirmation', 'test', 'account']),
  campaignId: z.uuid().nullable(),
  campaignName: z.string().nullable(),
  /** When the message was handed to SMTP (null: the connection was lost before the mark). */
  handedAt: z.string().nullable(),
  /** When it was set aside for review. */
  reviewAt: z.string(),
  /** Why: what the worker knew (which worker, what the connection did). */
  reason: z.string(),
});
export type ReviewMessage = z.infer<typeof reviewMessageSchema>;

export const reviewListSchema = z.object({
  total: z.number().int(),
  messages: z.array(reviewMessageSchema),
});
export type ReviewList = z.infer<typeof reviewListSchema>;

export const reviewResultSchema = z.object({
  /** Messages acted on; ids not (or no longer) awaiting review are left out. */
  ids: z.array(z.uuid()),
});
export type ReviewResult = z.infer<typeof reviewResultSchema>;

/** POST /api/sending/test: the queued test message. */
export const sendTestResultSchema = z.object({ messageId: z.uuid() });
export type SendTestResult = z.infer<typeof sendTestResultSchema>;

/** POST /api/webhooks/ses: what was done with an SNS message. */
export const sesWebhookAnswerSchema = z.union([
  z.object({ confirmed: z.boolean() }),
  z.object({ applied: z.number().int(), review: z.literal(true).optional() }),
]);
export type SesWebhookAnswer = z.infer<typeof sesWebhookAnswerSchema>;

/** POST /api/webhooks/relays/:identityId: what was done with a verified relay webhook request. */
export const relayWebhookAnswerSchema = z.object({
  /** Reports applied to a message Kindling sent. */
  applied: z.number().int(),
  /** Reports stored for review (no proof they concern our mail). */
  review: z.number().int(),
  /** Events of other types (deliveries, opens, deferrals). */
  ignored: z.number().int(),
});
export type RelayWebhookAnswer = z.infer<typeof relayWebhookAnswerSchema>;
