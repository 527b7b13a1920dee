// Accepting one public form submission: spam checks, validation against the form's fields, the
// lead upsert and the submission row in one transaction (a rejected or failed submission leaves
// nothing behind), then enrollment or the double opt-in confirmation email.
import type { Form, FormField } from '@kindling/db';
import {
  META_KEYS,
  MIN_HUMAN_FILL_MS,
  validateSubmission,
  type PublicField,
  type SubmissionData,
} from '@kindling/shared';
import { leadUpsertSql, upsertLead, uuidv7, type LeadUpsertInput } from '@kindling/leads';
import { enrollByTrigger } from '@kindling/campaigns';
import type { AppDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { enqueueConfirmation, prepareConfirmation, shouldResendConfirmation } from './confirm.js';
import { ttlCache } from './cache.js';

export type LoadedForm = Form & { fields: FormField[] };

/** The form's fields as the widget and the shared validator see them. */
export function publicFields(form: LoadedForm): PublicField[] {
  return [...form.fields]
    .sort((a, b) => a.position - b.position)
    .map((f) => ({
      key: f.key,
      type: f.type,
      label: f.label,
      placeholder: f.placeholder,
      required: f.required,
      options: Array.isArray(f.options) ? (f.options as { value: string; label: string }[]) : [],
      minLength: f.minLength,
      maxLength: f.maxLength,
      pattern: f.pattern,
      defaultValue: f.defaultValue,
      queryParam: f.queryParam,
      consentText: f.consentText,
      consentVersion: f.consentVersion,
    }));
}

export interface SubmissionMeta {
  ip: string | null;
  userAgent: string | null;
  /** The Referer header: the page a no-JS form was posted from. */
  refererHeader: string | null;
}

export interface SubmissionResult {
  spam: boolean;
  duplicate: boolean;
  confirmationRequired: boolean;
  submissionId: string | null;
}

const str = (v: unknown, max: number): string | null => {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  return s ? s.slice(0, max) : null;
};

const LEAD_COLUMNS: Record<string, 'firstName' | 'lastName' | 'phone'> = {
  first_name: 'firstName',
  last_name: 'lastName',
  phone: 'phone',
};

const SID_TTL_S = 24 * 3600;

const triggers = ttlCache<boolean>();

/** Whether any active campaign starts from this form (cached briefly: most forms have none). */
function hasActiveTrigger(deps: AppDeps, formId: string): Promise<boolean> {
  return triggers.get(formId, async () =>
    (await deps.db.campaignTrigger.count({
      where: { formId, type: 'form_submission', campaign: { status: 'active' } },
    })) > 0,
  );
}

/** Validates and stores one submission for `form`; throws AppError 422 with per-field details. */
export async function acceptSubmission(
  deps: AppDeps,
  form: LoadedForm,
  raw: Record<string, unknown>,
  meta: SubmissionMeta,
): Promise<SubmissionResult> {
  const { db } = deps;
  const fields = publicFields(form);
  const pageUrl = str(raw[META_KEYS.pageUrl], 2000) ?? meta.refererHeader?.slice(0, 2000) ?? null;
  const attribution = {
    utmSource: str(raw.utm_source, 200),
    utmMedium: str(raw.utm_medium, 200),
    utmCampaign: str(raw.utm_campaign, 200),
    utmTerm: str(raw.utm_term, 200),
    utmContent: str(raw.utm_content, 200),
    referrer: str(raw[META_KEYS.referrer], 2000),
    pageUrl,
  };
  const common = {
    workspaceId: form.workspaceId,
    formId: form.id,
    ...attribution,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
  };
  const confirmationRequired = form.doubleOptIn;

  // Bots are answered exactly like people, so they learn nothing; their rows are flagged.
  const honeypot = str(raw[META_KEYS.honeypot], 500);
  const elapsed = Number(raw[META_KEYS.elapsed]);
  const spamReason = honeypot
    ? 'honeypot'
    : raw[META_KEYS.elapsed] !== undefined && Number.isFinite(elapsed) && elapsed < MIN_HUMAN_FILL_MS
      ? 'time_trap'
      : null;
  if (spamReason) {
    const data: Record<string, string> = {};
    for (const f of fields) {
      const v = str(raw[f.key], 1000);
      if (v !== null) data[f.key] = v;
    }
    const row = await db.formSubmission.create({
      data: { ...common, data, isSpam: true, spamReason },
      select: { id: true },
    });
    return { spam: true, duplicate: false, confirmationRequired, submissionId: row.id };
  }

  const checked = validateSubmission(fields, raw);
  if (!checked.ok) {
    throw new AppError(
      'validation_failed',
      'Some fields are invalid',
      Object.entries(checked.errors).map(([field, issue]) => ({ field, issue })),
    );
  }
  const data: SubmissionData = checked.data;

  // A retried post (the widget's outbox) that already landed is acknowledged, not stored twice.
  const sid = str(raw[META_KEYS.submissionId], 100);
  const sidKey = sid ? `form-sid:${form.id}:${sid}` : null;
  if (sidKey && (await deps.redis.exists(sidKey))) {
    return { spam: false, duplicate: true, confirmationRequired, submissionId: null };
  }

  const now = new Date();
  const consentField = fields.find((f) => f.type === 'consent' && data[f.key] === true);
  const lead: { firstName?: string; lastName?: string; phone?: string } = {};
  const custom: Record<string, string | number | boolean> = {};
  for (const f of fields) {
    const v = data[f.key];
    if (v === undefined || f.key === 'email' || f.type === 'consent') continue;
    const column = LEAD_COLUMNS[f.key] ?? (f.type === 'phone' && !lead.phone ? 'phone' : undefined);
    if (column && typeof v === 'string') lead[column] = v;
    else custom[f.key] = v;
  }

  const leadInput: LeadUpsertInput = {
    workspaceId: form.workspaceId,
    email: String(data.email),
    ...lead,
    customFields: custom,
    attribution: { formId: form.id, ...attribution },
    consent: consentField ? { text: consentField.consentText ?? consentField.label, at: now } : null,
  };
  const consent = {
    consentText: consentField ? (consentField.consentText ?? consentField.label) : null,
    consentVersion: consentField?.consentVersion ?? null,
    consentAt: consentField ? now : null,
  };

  const { submissionId, leadId, sendConfirm, enroll } = form.doubleOptIn
    ? await db.$transaction(async (tx) => {
        // Double opt-in: the lead, its submission and the confirmation Message commit together.
        const { lead: row } = await upsertLead(tx, leadInput);
        const submission = await tx.formSubmission.create({
          data: { ...common, leadId: row.id, data, ...consent },
          select: { id: true },
        });
        const active = row.status === 'active';
        const confirmed = row.confirmedAt !== null;
        const message =
          active && !confirmed && shouldResendConfirmation(row, now)
            ? await prepareConfirmation(deps, tx, row, form, now)
            : null;
        return { submissionId: submission.id, leadId: row.id, sendConfirm: message, enroll: active && confirmed };
      })
    : await storeInOneStatement(deps, leadInput, { ...common, ...consent }, data);

  if (sidKey) await deps.redis.set(sidKey, '1', 'EX', SID_TTL_S).catch(() => undefined);
  if (sendConfirm) await enqueueConfirmation(deps, sendConfirm);
  if (enroll && (await hasActiveTrigger(deps, form.id))) {
    await enrollByTrigger(db, {
      workspaceId: form.workspaceId,
      leadId,
      event: { type: 'form_submission', formId: form.id },
    });
  }
  return { spam: false, duplicate: false, confirmationRequired, submissionId };
}

/**
 * The common case (no double opt-in) in ONE statement: the lead upsert of @kindling/leads and
 * the submission insert in a CTE, atomic without an interactive transaction (one round trip
 * instead of seven; this is the hot path of every landing page).
 */
async function storeInOneStatement(
  deps: AppDeps,
  leadInput: LeadUpsertInput,
  s: {
    workspaceId: string;
    formId: string;
    utmSource: string | null;
    utmMedium: string | null;
    utmCampaign: string | null;
    utmTerm: string | null;
    utmContent: string | null;
    referrer: string | null;
    pageUrl: string | null;
    ip: string | null;
    userAgent: string | null;
    consentText: string | null;
    consentVersion: number | null;
    consentAt: Date | null;
  },
  data: SubmissionData,
) {
  const id = uuidv7();
  const [row] = await deps.db.$queryRaw<{ leadId: string; status: string }[]>`
    WITH lead AS (${leadUpsertSql(leadInput)} RETURNING l."id", l."status"),
    sub AS (
      INSERT INTO "FormSubmission" ("id", "workspaceId", "formId", "leadId", "data", "utmSource", "utmMedium",
        "utmCampaign", "utmTerm", "utmContent", "referrer", "pageUrl", "ip", "userAgent",
        "consentText", "consentVersion", "consentAt")
      SELECT ${id}::uuid, ${s.workspaceId}::uuid, ${s.formId}::uuid, lead."id", ${JSON.stringify(data)}::jsonb,
        ${s.utmSource}, ${s.utmMedium}, ${s.utmCampaign}, ${s.utmTerm}, ${s.utmContent}, ${s.referrer},
        ${s.pageUrl}, ${s.ip}, ${s.userAgent}, ${s.consentText}, ${s.consentVersion}::int,
        ${s.consentAt}::timestamptz
      FROM lead
      RETURNING "id")
    SELECT lead."id" AS "leadId", lead."status"::text AS "status" FROM lead, sub`;
  if (!row) throw new Error('submission insert returned no row');
  return { submissionId: id, leadId: row.leadId, sendConfirm: null, enroll: row.status === 'active' };
}
