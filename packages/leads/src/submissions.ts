// Form submissions accepted by the api travel through a Redis stream to the worker's
// submissions drain, which stores them here. An entry carries everything the store needs (the
// validated data, the lead values, attribution, consent), decided when the visitor was answered,
// and its FormSubmission id: storing an entry twice is detected by that id.
import { Prisma, type Db } from '@kindling/db';
import { withNewMessages, type EnqueueSends } from '@kindling/queue';
import {
  leadsUpsertSql,
  normalizeEmail,
  roundsByLead,
  upsertLead,
  type LeadUpsertInput,
} from './upsert.js';
import {
  prepareConfirmation,
  shouldResendConfirmation,
  type ConfirmationConfig,
} from './confirmation.js';

export interface SubmissionAttribution {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  referrer: string | null;
  pageUrl: string | null;
}

/** One accepted submission, as written to the stream (JSON in the entry's `p` field). */
export interface SubmissionEntry {
  /** The FormSubmission id (UUID v7, made by the api). */
  id: string;
  workspaceId: string;
  formId: string;
  /** When the api accepted it (epoch ms); the row's createdAt. */
  receivedAt: number;
  doubleOptIn: boolean;
  /** 'honeypot' | 'time_trap' for bots: stored as spam, no lead, never enrolled. */
  spamReason: string | null;
  data: Record<string, unknown>;
  attribution: SubmissionAttribution;
  ip: string | null;
  userAgent: string | null;
  /** The lead's new values (null for spam). */
  lead: {
    email: string;
    firstName?: string;
    lastName?: string;
    phone?: string;
    customFields: Record<string, string | number | boolean>;
  } | null;
  consent: { text: string; version: number | null } | null;
}

/** The entry's stream field value. */
export function encodeSubmission(e: SubmissionEntry): string {
  return JSON.stringify(e);
}

/** Parses a stream field value; null when it is not a submission entry. */
export function decodeSubmission(text: string): SubmissionEntry | null {
  try {
    const e = JSON.parse(text) as SubmissionEntry;
    return typeof e?.id === 'string' &&
      typeof e.workspaceId === 'string' &&
      typeof e.formId === 'string'
      ? e
      : null;
  } catch {
    return null;
  }
}

/** What storing one entry did, for the caller's after-commit work. */
export interface StoredSubmission {
  entry: SubmissionEntry;
  leadId: string | null;
  /** The confirmation Message written with it (its send is enqueued after the commit). */
  confirmationMessageId: string | null;
  /** The lead may be enrolled now (active; confirmed when double opt-in). */
  enroll: boolean;
}

function leadInput(e: SubmissionEntry): LeadUpsertInput {
  const at = new Date(e.receivedAt);
  return {
    workspaceId: e.workspaceId,
    email: e.lead!.email,
    firstName: e.lead!.firstName,
    lastName: e.lead!.lastName,
    phone: e.lead!.phone,
    customFields: e.lead!.customFields,
    attribution: { formId: e.formId, ...e.attribution },
    consent: e.consent ? { text: e.consent.text, at } : null,
  };
}

function submissionRow(e: SubmissionEntry) {
  const a = e.attribution;
  return {
    id: e.id,
    ws: e.workspaceId,
    form: e.formId,
    email: e.lead ? normalizeEmail(e.lead.email) : null,
    data: e.data,
    us: a.utmSource,
    um: a.utmMedium,
    uc: a.utmCampaign,
    ut: a.utmTerm,
    ux: a.utmContent,
    ref: a.referrer,
    page: a.pageUrl,
    ip: e.ip,
    ua: e.userAgent,
    spam: e.spamReason,
    ctext: e.consent?.text ?? null,
    cver: e.consent?.version ?? null,
    cat: e.consent ? new Date(e.receivedAt).toISOString() : null,
    at: new Date(e.receivedAt).toISOString(),
  };
}

const ROW_TYPES = `v(id uuid, ws uuid, form uuid, email text, data jsonb, us text, um text, uc text, ut text, ux text,
  ref text, page text, ip text, ua text, spam text, ctext text, cver int, cat timestamptz, at timestamptz)`;
const ROWS = `jsonb_to_recordset($1::jsonb) AS ${ROW_TYPES}`;
const SUB_COLUMNS = `"id", "workspaceId", "formId", "leadId", "data", "utmSource", "utmMedium", "utmCampaign", "utmTerm",
  "utmContent", "referrer", "pageUrl", "ip", "userAgent", "isSpam", "spamReason", "consentText", "consentVersion",
  "consentAt", "createdAt"`;

/** The ids among `ids` that are stored already (a redelivered entry is not stored twice). */
export async function storedSubmissionIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM "FormSubmission" WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`;
  return new Set(rows.map((r) => r.id));
}

/** Spam entries: submission rows only (no lead), one statement. */
async function storeSpam(db: Db, entries: SubmissionEntry[]): Promise<StoredSubmission[]> {
  if (entries.length === 0) return [];
  await db.$executeRawUnsafe(
    `INSERT INTO "FormSubmission" (${SUB_COLUMNS})
     SELECT v.id, v.ws, v.form, NULL, v.data, v.us, v.um, v.uc, v.ut, v.ux, v.ref, v.page, v.ip, v.ua, true, v.spam,
            NULL, NULL, NULL, v.at
     FROM ${ROWS}`,
    JSON.stringify(entries.map(submissionRow)),
  );
  return entries.map((entry) => ({
    entry,
    leadId: null,
    confirmationMessageId: null,
    enroll: false,
  }));
}

/**
 * Entries without double opt-in whose leads are all different: every lead upsert (the merge rules
 * of upsert.ts) and every submission row in ONE statement, atomic.
 */
async function storePlain(db: Db, entries: SubmissionEntry[]): Promise<StoredSubmission[]> {
  if (entries.length === 0) return [];
  const upsert = leadsUpsertSql(entries.map((e) => ({ input: leadInput(e), id: e.id })));
  const rows = await db.$queryRaw<{ id: string; leadId: string; status: string }[]>`
    WITH lead AS (${upsert} RETURNING l."id", l."workspaceId", l."email", l."status"),
    sub AS (
      INSERT INTO "FormSubmission" (${Prisma.raw(SUB_COLUMNS)})
      SELECT v.id, v.ws, v.form, lead."id", v.data, v.us, v.um, v.uc, v.ut, v.ux, v.ref, v.page, v.ip, v.ua, false, NULL,
             v.ctext, v.cver, v.cat, v.at
      FROM jsonb_to_recordset(${JSON.stringify(entries.map(submissionRow))}::jsonb) AS ${Prisma.raw(ROW_TYPES)}
      JOIN lead ON lead."workspaceId" = v.ws AND lead."email" = v.email
      RETURNING "id", "leadId")
    SELECT sub."id"::text AS id, lead."id"::text AS "leadId", lead."status"::text AS status
    FROM sub JOIN lead ON lead."id" = sub."leadId"`;
  if (rows.length !== entries.length)
    throw new Error(`stored ${rows.length} of ${entries.length} submissions`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return entries.map((entry) => {
    const r = byId.get(entry.id)!;
    return { entry, leadId: r.leadId, confirmationMessageId: null, enroll: r.status === 'active' };
  });
}

/**
 * A double opt-in entry: lead, submission and confirmation Message in one transaction; the
 * confirmation's send is enqueued once it committed.
 */
async function storeDoubleOptIn(
  db: Db,
  e: SubmissionEntry,
  config: ConfirmationConfig,
  enqueue: EnqueueSends,
): Promise<StoredSubmission> {
  return withNewMessages(db, enqueue, async (tx, create) => {
    const now = new Date(e.receivedAt);
    const { lead } = await upsertLead(tx, leadInput(e));
    const row = submissionRow(e);
    await tx.$executeRawUnsafe(
      `INSERT INTO "FormSubmission" (${SUB_COLUMNS})
       SELECT v.id, v.ws, v.form, $2::uuid, v.data, v.us, v.um, v.uc, v.ut, v.ux, v.ref, v.page, v.ip, v.ua, false, NULL,
              v.ctext, v.cver, v.cat, v.at
       FROM ${ROWS}`,
      JSON.stringify([row]),
      lead.id,
    );
    const active = lead.status === 'active';
    const confirmed = lead.confirmedAt !== null;
    // The 10-minute rule and the link's 7 days count from when the visitor submitted.
    const message =
      active && !confirmed && shouldResendConfirmation(lead, now)
        ? await prepareConfirmation(config, tx, create, lead, now)
        : null;
    return {
      entry: e,
      leadId: lead.id,
      confirmationMessageId: message,
      enroll: active && confirmed,
    };
  });
}

/**
 * Stores entries (in stream order) and returns what each did. Entries of one lead are stored in
 * order; entries of different leads without double opt-in share one statement per round. Every
 * statement is atomic: a failure leaves none of its entries half-written. Confirmation emails go
 * to `enqueue` as soon as their entry committed.
 */
export async function storeSubmissions(
  db: Db,
  entries: SubmissionEntry[],
  config: ConfirmationConfig,
  enqueue: EnqueueSends,
): Promise<StoredSubmission[]> {
  const spam = entries.filter((e) => e.spamReason || !e.lead);
  const doi = entries.filter((e) => !e.spamReason && e.lead && e.doubleOptIn);
  const plain = entries.filter((e) => !e.spamReason && e.lead && !e.doubleOptIn);
  const rounds = roundsByLead(plain, (e) => `${e.workspaceId}:${normalizeEmail(e.lead!.email)}`);
  const out: StoredSubmission[] = [...(await storeSpam(db, spam))];
  for (const round of rounds) out.push(...(await storePlain(db, round)));
  for (const e of doi) out.push(await storeDoubleOptIn(db, e, config, enqueue));
  return out;
}
