import { z } from 'zod';
import { campaignStatusSchema } from '../campaigns.js';
import { BULK_ACTIONS, leadStatusSchema } from '../leads.js';

// What the leads routes answer (apps/api routes/leads.ts declares these as `response`; the list
// and the CSV import answers are `leadListSchema` and `importStatusSchema` in ../leads.ts).
// Dates are ISO 8601 strings, as they travel in JSON.

/** Values for the leads page's filter menus, sampled from the newest leads. */
export const leadFacetsSchema = z.object({
  tags: z.array(z.string()),
  utmSources: z.array(z.string()),
  customFields: z.array(z.string()),
  exportColumns: z.array(z.string()),
  forms: z.array(z.object({ id: z.uuid(), name: z.string() })),
  campaigns: z.array(z.object({ id: z.uuid(), name: z.string(), status: campaignStatusSchema })),
});
export type LeadFacets = z.infer<typeof leadFacetsSchema>;

/** What a bulk action did: leads changed; for tag, enrollments it triggered; for enroll, skips. */
export const bulkLeadsResultSchema = z.object({
  action: z.enum(BULK_ACTIONS),
  affected: z.number().int(),
  /** tag: enrollments the new tag started in campaigns it triggers. */
  enrolled: z.number().int().optional(),
  /** enroll: selected leads not enrolled (inactive, or already in the campaign). */
  skipped: z.number().int().optional(),
});
export type BulkLeadsResult = z.infer<typeof bulkLeadsResultSchema>;

export const leadCountSchema = z.object({ count: z.number().int() });
export type LeadCount = z.infer<typeof leadCountSchema>;

export const suppressionReasonSchema = z.enum([
  'hard_bounce',
  'soft_bounce',
  'complaint',
  'unsubscribe',
  'manual',
]);
export type SuppressionReason = z.infer<typeof suppressionReasonSchema>;

const formRef = z.object({ id: z.uuid(), name: z.string() });

/** One lead: fields, consent, suppression, first touch and its latest submissions. */
export const leadDetailSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  timeZone: z.string().nullable(),
  status: leadStatusSchema,
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  consent: z.object({
    at: z.string().nullable(),
    text: z.string().nullable(),
    confirmedAt: z.string().nullable(),
    confirmationSentAt: z.string().nullable(),
  }),
  unsubscribedAt: z.string().nullable(),
  softBounceCount: z.number().int(),
  suppression: z
    .object({ reason: suppressionReasonSchema, detail: z.string().nullable(), at: z.string() })
    .nullable(),
  firstTouch: z.object({
    form: formRef.nullable(),
    utmSource: z.string().nullable(),
    utmMedium: z.string().nullable(),
    utmCampaign: z.string().nullable(),
    utmTerm: z.string().nullable(),
    utmContent: z.string().nullable(),
    referrer: z.string().nullable(),
    pageUrl: z.string().nullable(),
  }),
  submissions: z.array(
    z.object({
      id: z.uuid(),
      form: formRef,
      at: z.string(),
      utmSource: z.string().nullable(),
      utmMedium: z.string().nullable(),
      utmCampaign: z.string().nullable(),
      referrer: z.string().nullable(),
      pageUrl: z.string().nullable(),
      consentText: z.string().nullable(),
      isSpam: z.boolean(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LeadDetail = z.infer<typeof leadDetailSchema>;

export const TIMELINE_KINDS = [
  'submission',
  'enrollment',
  'message',
  'open',
  'click',
  'unsubscribe',
  'bounce',
  'complaint',
  'suppression',
  'created',
] as const;

/** One entry of a lead's timeline. */
export const timelineItemSchema = z.object({
  at: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  title: z.string(),
  detail: z.string().nullable(),
  /** Opens and clicks from privacy proxies, scanners and bots are kept but marked. */
  machine: z.boolean().optional(),
  machineReason: z.string().nullable().optional(),
});
export type TimelineItem = z.infer<typeof timelineItemSchema>;

/** Everything that happened to a lead, newest first. */
export const leadTimelineSchema = z.object({ items: z.array(timelineItemSchema) });
export type LeadTimeline = z.infer<typeof leadTimelineSchema>;

/** One lead's personal data (right of access): every stored field, nothing of other leads. */
export const leadDataExportSchema = z.object({
  exportedAt: z.string(),
  /** Every column of the lead but its workspace id. */
  lead: z.record(z.string(), z.unknown()),
  /** Every column of each submission but its workspace id, with the form's name. */
  submissions: z.array(z.record(z.string(), z.unknown())),
  enrollments: z.array(
    z.object({
      id: z.uuid(),
      campaign: z.string(),
      status: z.string(),
      source: z.string(),
      enrolledAt: z.string(),
      completedAt: z.string().nullable(),
      exitReason: z.string().nullable(),
    }),
  ),
  messages: z.array(
    z.object({
      id: z.uuid(),
      subject: z.string(),
      toEmail: z.string(),
      status: z.string(),
      sentAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  events: z.array(
    z.object({
      type: z.string(),
      url: z.string().nullable(),
      machine: z.boolean(),
      machineReason: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      occurredAt: z.string(),
    }),
  ),
  suppression: z
    .object({
      reason: suppressionReasonSchema,
      detail: z.string().nullable(),
      createdAt: z.string(),
    })
    .nullable(),
});
export type LeadDataExport = z.infer<typeof leadDataExportSchema>;

/** What `POST /api/leads` did: each lead of the request in its order, and the totals. */
export const createLeadsResultSchema = z.object({
  leads: z.array(
    z.object({
      id: z.uuid(),
      email: z.string(),
      status: leadStatusSchema,
      /** True for a new lead, false for one merged into. */
      created: z.boolean(),
    }),
  ),
  created: z.number().int(),
  updated: z.number().int(),
  /** Enrollments started: in the requested campaigns and those a newly added tag triggers. */
  enrolled: z.number().int(),
});
export type CreateLeadsResult = z.infer<typeof createLeadsResultSchema>;
