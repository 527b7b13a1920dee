import { z } from 'zod';
import {
  campaignProblemSchema,
  campaignStatusSchema,
  conditionStepConfigSchema,
  emailStepConfigSchema,
  exitRulesSchema,
  sendWindowSchema,
  triggerTypeSchema,
  waitStepConfigSchema,
} from '../campaigns.js';

// What the campaign routes answer (apps/api routes/campaigns.ts declares these as `response`).
// The api checks its answers against them; the web app reads the types instead of re-declaring
// them. Dates are ISO 8601 strings, as they travel in JSON.

/** A stored step as the builder gets it back: its id is always set. */
export const campaignStepViewSchema = z.discriminatedUnion('type', [
  z.object({ id: z.uuid(), type: z.literal('email'), config: emailStepConfigSchema }),
  z.object({ id: z.uuid(), type: z.literal('wait'), config: waitStepConfigSchema }),
  z.object({ id: z.uuid(), type: z.literal('condition'), config: conditionStepConfigSchema }),
]);
export type CampaignStepView = z.infer<typeof campaignStepViewSchema>;

export const campaignTriggerViewSchema = z.object({
  type: triggerTypeSchema,
  formId: z.uuid().optional(),
  tag: z.string().optional(),
});
export type CampaignTriggerView = z.infer<typeof campaignTriggerViewSchema>;

/** The builder document of a stored campaign: live steps only, in order. */
export const campaignViewDocumentSchema = z.object({
  name: z.string(),
  identityId: z.uuid().nullable(),
  sendWindow: sendWindowSchema.nullable(),
  exitRules: exitRulesSchema,
  allowReenroll: z.boolean(),
  trackOpens: z.boolean(),
  trackClicks: z.boolean(),
  triggers: z.array(campaignTriggerViewSchema),
  steps: z.array(campaignStepViewSchema),
});
export type CampaignViewDocument = z.infer<typeof campaignViewDocumentSchema>;

/** A campaign: its lifecycle fields and its builder document (create, lifecycle actions). */
export const campaignViewSchema = campaignViewDocumentSchema.extend({
  id: z.uuid(),
  status: campaignStatusSchema,
  activatedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CampaignView = z.infer<typeof campaignViewSchema>;

/** A campaign with every problem that would stop its activation (GET and PUT of one campaign). */
export const campaignWithProblemsSchema = campaignViewSchema.extend({
  problems: z.array(campaignProblemSchema),
});
export type CampaignWithProblems = z.infer<typeof campaignWithProblemsSchema>;

/** One row of the campaigns list. */
export const campaignListItemSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: campaignStatusSchema,
  emails: z.number().int(),
  steps: z.number().int(),
  enrolled: z.number().int(),
  active: z.number().int(),
  sent: z.number().int(),
  updatedAt: z.string(),
});
export type CampaignListItem = z.infer<typeof campaignListItemSchema>;

export const campaignListSchema = z.object({ campaigns: z.array(campaignListItemSchema) });
export type CampaignList = z.infer<typeof campaignListSchema>;

/** Forms, sending identities and merge tags a campaign may use. */
export const campaignOptionsSchema = z.object({
  forms: z.array(
    z.object({ id: z.uuid(), name: z.string(), status: z.enum(['enabled', 'disabled']) }),
  ),
  identities: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      fromName: z.string(),
      fromEmail: z.string(),
      status: z.enum(['active', 'paused']),
    }),
  ),
  /** Custom field keys of the workspace's forms and leads (built-in tags excluded). */
  customFields: z.array(z.string()),
  builtinTags: z.array(z.string()),
});
export type CampaignOptions = z.infer<typeof campaignOptionsSchema>;

export const enrollmentStatusSchema = z.enum(['active', 'paused', 'completed', 'exited']);
export type EnrollmentStatus = z.infer<typeof enrollmentStatusSchema>;

/** The answer of enrolling leads by id or email. */
export const enrollResultSchema = z.object({
  enrolled: z.number().int(),
  /** Found but not enrolled: inactive, or already in the campaign. */
  skipped: z.number().int(),
  /** Ids and emails that matched no lead of the workspace. */
  notFound: z.number().int(),
});
export type EnrollResult = z.infer<typeof enrollResultSchema>;

/** One enrollment in a campaign's latest-enrollments list. */
export const enrollmentRowSchema = z.object({
  id: z.uuid(),
  leadId: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: enrollmentStatusSchema,
  exitReason: z.string().nullable(),
  source: triggerTypeSchema,
  currentStepId: z.uuid().nullable(),
  nextRunAt: z.string().nullable(),
  enrolledAt: z.string(),
});
export type EnrollmentRow = z.infer<typeof enrollmentRowSchema>;

export const enrollmentListSchema = z.object({ enrollments: z.array(enrollmentRowSchema) });
export type EnrollmentList = z.infer<typeof enrollmentListSchema>;

/** The answer of pausing or resuming one enrollment. */
export const enrollmentActionSchema = z.object({ ok: z.literal(true) });
export type EnrollmentAction = z.infer<typeof enrollmentActionSchema>;

/** An email step rendered for one lead (the latest lead, or a sample when there is none). */
export const campaignPreviewSchema = z.object({
  lead: z.object({ id: z.uuid().nullable(), email: z.string() }),
  subject: z.string(),
  preheader: z.string(),
  html: z.string(),
  text: z.string(),
});
export type CampaignPreview = z.infer<typeof campaignPreviewSchema>;

/** A test email queued to the signed-in user. */
export const testSendResultSchema = z.object({ messageId: z.uuid(), to: z.string() });
export type TestSendResult = z.infer<typeof testSendResultSchema>;

/** One step's counts: leads waiting on it, its messages by outcome, human events. */
export const stepStatsSchema = z.object({
  waiting: z.number().int(),
  paused: z.number().int(),
  exited: z.number().int(),
  sent: z.number().int(),
  bounced: z.number().int(),
  queued: z.number().int(),
  failed: z.number().int(),
  /** Messages with at least one human open (each message counts once). */
  opens: z.number().int(),
  clicks: z.number().int(),
  unsubscribed: z.number().int(),
  complaints: z.number().int(),
});
export type StepStats = z.infer<typeof stepStatsSchema>;

/** A campaign's enrollment totals and per-step statistics (keyed by step id). */
export const campaignStatsSchema = z.object({
  enrolled: z.number().int(),
  active: z.number().int(),
  paused: z.number().int(),
  completed: z.number().int(),
  exited: z.number().int(),
  exitedByReason: z.record(z.string(), z.number().int()),
  steps: z.record(z.string(), stepStatsSchema),
});
export type CampaignStats = z.infer<typeof campaignStatsSchema>;

// ───────────── requests of the campaign routes that have no other home ─────────────

/** GET /api/campaigns: archived campaigns only when asked for by status. */
export const campaignListQuerySchema = z.object({
  status: campaignStatusSchema.optional(),
});
export type CampaignListQuery = z.infer<typeof campaignListQuerySchema>;

/** Preview and test-send of an email step: a saved step, or unsaved builder content. */
export const stepPreviewRequestSchema = z.object({
  stepId: z.uuid().optional(),
  /** Unsaved builder content; wins over stepId. */
  config: emailStepConfigSchema.optional(),
  leadId: z.uuid().optional(),
});
export type StepPreviewRequest = z.infer<typeof stepPreviewRequestSchema>;
