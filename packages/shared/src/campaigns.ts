import { z } from 'zod';
import { emailSchema } from './auth.js';

// Campaign and step payloads shared by the api (validation), the web builder (zodResolver) and
// the engine (packages/campaigns). Browser-safe: no Node, no Prisma.

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const weekdaySchema = z.number().int().min(1).max(7);

/** Days of the week and local hours [startHour, endHour) in which emails may go out. */
export const sendWindowSchema = z
  .object({
    days: z.array(weekdaySchema).min(1, 'Pick at least one day').max(7),
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(1).max(24),
  })
  .refine((w) => w.endHour > w.startHour, {
    message: 'The window must end after it starts',
    path: ['endHour'],
  });
export type SendWindow = z.infer<typeof sendWindowSchema>;

export const exitRulesSchema = z.object({
  unsubscribed: z.boolean().default(true),
  bounced: z.boolean().default(true),
  complained: z.boolean().default(true),
  /** Exit when this tag is added to the lead (a goal reached). */
  goalTag: z.string().trim().max(100).optional(),
  /** Exit when the lead (a human, not a scanner) clicks a link starting with this URL. */
  goalUrl: z.string().trim().max(2000).optional(),
});
export type ExitRules = z.infer<typeof exitRulesSchema>;

export const emailStepConfigSchema = z.object({
  subject: z.string().max(300),
  preheader: z.string().max(300).default(''),
  html: z.string().max(200_000),
  text: z.string().max(200_000).default(''),
});
export type EmailStepConfig = z.infer<typeof emailStepConfigSchema>;

/** A fixed duration, or "until the next <weekday> at <hour>" in the lead's zone. */
export const waitStepConfigSchema = z.union([
  z.object({
    minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 7 * 52),
  }),
  z.object({ weekday: weekdaySchema, hour: z.number().int().min(0).max(23) }),
]);
export type WaitStepConfig = z.infer<typeof waitStepConfigSchema>;

/** Where a condition leads: the next step in order, the end of the campaign, or a later step id. */
export const branchTargetSchema = z.union([z.literal('next'), z.literal('end'), z.uuid()]);

export const conditionStepConfigSchema = z.object({
  kind: z.enum(['opened', 'clicked', 'has_tag', 'field']),
  /** opened/clicked: the earlier email step; absent = any email of this enrollment. */
  stepId: z.uuid().optional(),
  tag: z.string().trim().max(100).optional(),
  field: z.string().trim().max(100).optional(),
  op: z.enum(['equals', 'contains', 'exists']).optional(),
  value: z.string().max(500).optional(),
  yesStepId: branchTargetSchema.default('next'),
  noStepId: branchTargetSchema.default('next'),
});
export type ConditionStepConfig = z.infer<typeof conditionStepConfigSchema>;

export const stepInputSchema = z.discriminatedUnion('type', [
  z.object({ id: z.uuid().optional(), type: z.literal('email'), config: emailStepConfigSchema }),
  z.object({ id: z.uuid().optional(), type: z.literal('wait'), config: waitStepConfigSchema }),
  z.object({
    id: z.uuid().optional(),
    type: z.literal('condition'),
    config: conditionStepConfigSchema,
  }),
]);
export type StepInput = z.input<typeof stepInputSchema>;
export type Step = z.output<typeof stepInputSchema>;

export const triggerTypeSchema = z.enum([
  'form_submission',
  'tag_added',
  'manual',
  'api',
  'csv_import',
]);
export const triggerInputSchema = z
  .object({
    type: triggerTypeSchema,
    formId: z.uuid().optional(),
    tag: z.string().trim().max(100).optional(),
  })
  .refine((t) => t.type !== 'form_submission' || !!t.formId, {
    message: 'Pick a form',
    path: ['formId'],
  })
  .refine((t) => t.type !== 'tag_added' || !!t.tag, { message: 'Name the tag', path: ['tag'] });
export type TriggerInput = z.input<typeof triggerInputSchema>;

export const campaignStatusSchema = z.enum(['draft', 'active', 'paused', 'archived']);
export type CampaignStatus = z.infer<typeof campaignStatusSchema>;

/** The whole builder form: saved as one document (steps keep their ids across saves). */
export const campaignInputSchema = z.object({
  name: z.string().trim().min(1, 'Name the campaign').max(200),
  identityId: z.uuid().nullable().default(null),
  sendWindow: sendWindowSchema.nullable().default(null),
  exitRules: exitRulesSchema.default({ unsubscribed: true, bounced: true, complained: true }),
  allowReenroll: z.boolean().default(false),
  trackOpens: z.boolean().default(true),
  trackClicks: z.boolean().default(true),
  triggers: z.array(triggerInputSchema).max(20).default([]),
  steps: z.array(stepInputSchema).max(100).default([]),
});
export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignDocument = z.output<typeof campaignInputSchema>;

export const campaignProblemSchema = z.object({ path: z.string(), message: z.string() });
export type CampaignProblem = z.infer<typeof campaignProblemSchema>;

export const enrollLeadsSchema = z.object({
  leadIds: z.array(z.uuid()).min(1).max(10_000).optional(),
  emails: z.array(z.string().trim().toLowerCase().max(320)).min(1).max(10_000).optional(),
});

export const previewEmailSchema = z.object({ stepId: z.uuid(), leadId: z.uuid().optional() });
export const testSendSchema = z.object({
  stepId: z.uuid(),
  leadId: z.uuid().optional(),
  to: emailSchema.optional(),
});

// ───────────── merge tags ─────────────

/** Tags every lead has; custom form fields add their own keys. */
export const BUILTIN_MERGE_TAGS = [
  'email',
  'first_name',
  'last_name',
  'full_name',
  'phone',
  'workspace_name',
] as const;

export interface MergeTag {
  /** The whole `{{ … }}` text. */
  raw: string;
  name: string;
  /** `| default: "…"` value, if any. */
  fallback?: string;
  /** Set when the tag is malformed. */
  error?: string;
  index: number;
}

const TAG_RE = /\{\{([\s\S]*?)\}\}/g;
const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;
const DEFAULT_RE = /^default\s*:\s*(?:"([^"]*)"|'([^']*)')$/;

/** Finds every `{{ name | default: "x" }}` tag in a template, flagging malformed ones. */
export function parseMergeTags(template: string): MergeTag[] {
  const tags: MergeTag[] = [];
  for (const m of template.matchAll(TAG_RE)) {
    const inner = (m[1] ?? '').trim();
    const [namePart = '', ...filters] = inner.split('|').map((s) => s.trim());
    const tag: MergeTag = { raw: m[0], name: namePart, index: m.index ?? 0 };
    if (!NAME_RE.test(namePart)) tag.error = `"${m[0]}" is not a valid merge tag`;
    else if (filters.length > 1) tag.error = `"${m[0]}": only one filter (default) is supported`;
    else if (filters.length === 1) {
      const d = DEFAULT_RE.exec(filters[0] ?? '');
      if (!d) tag.error = `"${m[0]}": the filter must look like default: "text"`;
      else tag.fallback = d[1] ?? d[2] ?? '';
    }
    tags.push(tag);
  }
  const stray = template.replace(TAG_RE, '');
  if (stray.includes('{{') || stray.includes('}}')) {
    tags.push({
      raw: '{{',
      name: '',
      index: template.indexOf('{{'),
      error: 'A merge tag is not closed with }}',
    });
  }
  return tags;
}

/** Normalises a tag name: `custom.plan` and `plan` both mean the custom field `plan`. */
export function mergeTagKey(name: string): string {
  return name.startsWith('custom.') ? name.slice('custom.'.length) : name;
}

/** Problems with the merge tags of one template; `known` = built-ins plus custom field keys. */
export function validateMergeTags(template: string, known: readonly string[]): string[] {
  const set = new Set<string>([...BUILTIN_MERGE_TAGS, ...known]);
  const problems: string[] = [];
  for (const t of parseMergeTags(template)) {
    if (t.error) problems.push(t.error);
    else if (!set.has(mergeTagKey(t.name))) problems.push(`Unknown merge tag {{${t.name}}}`);
  }
  return [...new Set(problems)];
}

/** Header-safe text: CR, LF and other control characters become spaces (no header injection). */
export function headerSafe(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}

/** Plain text from HTML: block ends become line breaks, links keep their URL, tags go. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(
      /<a\s[^>]*href\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi,
      (_m, href: string, label: string) => {
        const text = label.replace(/<[^>]+>/g, '').trim();
        return text && text !== href ? `${text} (${href})` : href;
      },
    )
    .replace(/<img\s[^>]*alt\s*=\s*"([^"]*)"[^>]*>/gi, '$1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li[^>]*>/gi, '- ')
    .replace(/<\/(p|div|h[1-6]|li|ul|ol|tr|table|blockquote)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
