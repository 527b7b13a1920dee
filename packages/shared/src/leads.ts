import { z } from 'zod';
import { emailSchema } from './auth.js';
import { timeZoneSchema } from './workspace.js';

export const LEAD_STATUSES = ['active', 'unsubscribed', 'bounced', 'complained'] as const;
export const leadStatusSchema = z.enum(LEAD_STATUSES);
export type LeadStatus = z.infer<typeof leadStatusSchema>;

/** Standard lead columns that CSV export can include (custom fields are `cf.<key>`). */
export const LEAD_EXPORT_COLUMNS = [
  'id',
  'email',
  'firstName',
  'lastName',
  'phone',
  'status',
  'tags',
  'timeZone',
  'consentAt',
  'consentText',
  'confirmedAt',
  'unsubscribedAt',
  'firstUtmSource',
  'firstUtmMedium',
  'firstUtmCampaign',
  'firstUtmTerm',
  'firstUtmContent',
  'firstReferrer',
  'firstPageUrl',
  'createdAt',
  'updatedAt',
] as const;
export const DEFAULT_EXPORT_COLUMNS = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'status',
  'tags',
  'createdAt',
];

/** Lead fields a CSV import column can be mapped to (plus `cf.<key>` custom fields and `skip`). */
export const LEAD_IMPORT_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'tags',
  'timeZone',
] as const;

const optionalText = (max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(max).optional());
const optionalDate = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
);
const optionalUuid = z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional());

/** The filters of the leads page; the same query parameters drive the list, bulk actions and CSV export. */
export const leadFiltersSchema = z.object({
  /** Matches email, first or last name (contains, case-insensitive). */
  q: optionalText(200),
  status: z.preprocess((v) => (v === '' ? undefined : v), leadStatusSchema.optional()),
  tag: optionalText(100),
  formId: optionalUuid,
  campaignId: optionalUuid,
  /** createdAt >= from (ISO date or date-time). */
  from: optionalDate,
  /** createdAt < to; a bare date includes that whole day. */
  to: optionalDate,
  utmSource: optionalText(200),
});
export type LeadFilters = z.infer<typeof leadFiltersSchema>;

export const LEAD_SORTS = [
  'createdAt',
  'updatedAt',
  'email',
  'firstName',
  'lastName',
  'status',
] as const;

export const leadListQuerySchema = leadFiltersSchema.extend({
  sort: z.enum(LEAD_SORTS).default('createdAt'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  cursor: optionalText(1000),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Set to 0 to skip the total (cheaper for deep pages). */
  count: z.enum(['0', '1']).default('1'),
});
export type LeadListQuery = z.input<typeof leadListQuerySchema>;

export const leadRowSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  status: leadStatusSchema,
  tags: z.array(z.string()),
  firstUtmSource: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LeadRow = z.infer<typeof leadRowSchema>;

export const leadListSchema = z.object({
  items: z.array(leadRowSchema),
  nextCursor: z.string().nullable(),
  total: z.number().int().nullable(),
});
export type LeadList = z.infer<typeof leadListSchema>;

const customValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

// zod's records drop a "__proto__" key (it assigns into a plain {}). Custom field names are the
// tenant's own, so that key is carried through under a stand-in no real key can have (a NUL,
// which the storable-text rule refuses before any schema runs) and put back as an own key.
const PROTO_STAND_IN = '\u0000__proto__';
const customFieldsSchema = (() => {
  const record = z.record(z.string().trim().min(1).max(100), customValue);
  const rename = (o: object, from: (k: string) => boolean, to: string) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [from(k) ? to : k, v] as const));
  return z
    .preprocess(
      (v) =>
        typeof v === 'object' && v !== null && !Array.isArray(v)
          ? rename(v, (k) => k.trim() === '__proto__', PROTO_STAND_IN)
          : v,
      record,
    )
    .transform((o) =>
      rename(o, (k) => k === PROTO_STAND_IN, '__proto__'),
    ) as unknown as typeof record;
})();

export const updateLeadSchema = z.object({
  firstName: z.string().trim().max(200).nullable().optional(),
  lastName: z.string().trim().max(200).nullable().optional(),
  phone: z.string().trim().max(50).nullable().optional(),
  timeZone: z.string().trim().max(64).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  /** Replaces the custom fields object; null values remove a key. */
  customFields: customFieldsSchema.optional(),
});
export type UpdateLeadInput = z.input<typeof updateLeadSchema>;

/** How many leads one `POST /api/leads` may create or update. */
export const CREATE_LEADS_MAX = 1000;

const attributionText = (max: number) => z.string().trim().max(max).nullable().optional();

/**
 * One lead for `POST /api/leads`, merged by the rules of form submissions (@kindling/leads
 * upsert.ts): a non-empty value wins, custom fields merge key by key, tags are added, consent and
 * first-touch attribution are written once, status is never changed.
 */
export const leadInputSchema = z.object({
  email: emailSchema,
  firstName: z.string().trim().max(200).nullable().optional(),
  lastName: z.string().trim().max(200).nullable().optional(),
  phone: z.string().trim().max(50).nullable().optional(),
  timeZone: timeZoneSchema.nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  /** Merged key by key over the stored custom fields (an empty or null value changes nothing). */
  customFields: customFieldsSchema.optional(),
  /** The consent the lead gave, as shown to them; `at` defaults to now. */
  consent: z
    .object({
      text: z.string().trim().min(1).max(2000),
      at: z.iso.datetime({ offset: true }).optional(),
    })
    .optional(),
  /** First-touch attribution: kept from the first time the lead had any. */
  attribution: z
    .object({
      utmSource: attributionText(200),
      utmMedium: attributionText(200),
      utmCampaign: attributionText(200),
      utmTerm: attributionText(200),
      utmContent: attributionText(200),
      referrer: attributionText(2000),
      pageUrl: attributionText(2000),
    })
    .optional(),
});
export type LeadInput = z.input<typeof leadInputSchema>;

/**
 * `POST /api/leads`: one lead (its fields at the top level) or `{ leads: [...] }` of up to 1,000;
 * `campaignIds` enrolls every lead of the request in those active campaigns.
 */
export const createLeadsSchema = z.union([
  z
    .object({
      leads: z.array(leadInputSchema).min(1).max(CREATE_LEADS_MAX),
      campaignIds: z.array(z.uuid()).max(20).optional(),
    })
    .strict(),
  leadInputSchema.extend({ campaignIds: z.array(z.uuid()).max(20).optional() }).strict(),
]);
export type CreateLeadsInput = z.input<typeof createLeadsSchema>;

export const BULK_ACTIONS = ['tag', 'untag', 'enroll', 'unsubscribe', 'delete'] as const;

/** A bulk action over either the listed ids or every lead matching `filters`. */
export const bulkLeadsSchema = z
  .object({
    action: z.enum(BULK_ACTIONS),
    ids: z.array(z.uuid()).min(1).max(1000).optional(),
    filters: leadFiltersSchema.optional(),
    tag: z.string().trim().min(1).max(100).optional(),
    campaignId: z.uuid().optional(),
  })
  .refine((b) => (b.ids ? 1 : 0) + (b.filters ? 1 : 0) === 1, {
    message: 'Give either ids or filters',
    path: ['ids'],
  })
  .refine((b) => !(b.action === 'tag' || b.action === 'untag') || !!b.tag, {
    message: 'Choose a tag',
    path: ['tag'],
  })
  .refine((b) => b.action !== 'enroll' || !!b.campaignId, {
    message: 'Choose a campaign',
    path: ['campaignId'],
  });
export type BulkLeadsInput = z.input<typeof bulkLeadsSchema>;

/** How an import column maps onto a lead: a field name, `cf.<key>`, or `skip`. */
export const importTargetSchema = z
  .string()
  .regex(
    /^(skip|email|firstName|lastName|phone|tags|timeZone|cf\.[A-Za-z0-9_ -]{1,64})$/,
    'Unknown field',
  );

export const startImportSchema = z.object({
  /** One target per CSV column, in column order. */
  mapping: z.array(importTargetSchema).min(1).max(200),
  tag: z.string().trim().min(1).max(100).optional(),
  campaignId: z.uuid().optional(),
});
export type StartImportInput = z.input<typeof startImportSchema>;

export const importStatusSchema = z.object({
  id: z.string(),
  status: z.enum(['uploaded', 'running', 'done', 'failed']),
  fileName: z.string(),
  bytes: z.number(),
  columns: z.array(z.string()),
  preview: z.array(z.array(z.string())),
  suggestedMapping: z.array(z.string()),
  rowsRead: z.number(),
  created: z.number(),
  updated: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
  enrolled: z.number(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ImportStatus = z.infer<typeof importStatusSchema>;
