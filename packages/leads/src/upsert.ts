// The lead merge rules, in one place for every way a lead arrives (form submissions, CSV import,
// the API): dedupe by lower-cased email within the workspace; a new non-empty value updates the
// lead; first-touch attribution is written once and then kept; status is never changed here, so
// a lead that unsubscribed, bounced or complained stays that way.
import { randomUUID } from 'node:crypto';
import { Prisma, type DbClient, type Lead } from '@kindling/db';

export type { DbClient };

export interface LeadAttribution {
  formId?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  utmTerm?: string | null;
  utmContent?: string | null;
  referrer?: string | null;
  pageUrl?: string | null;
}

export interface LeadUpsertInput {
  workspaceId: string;
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  /** Merged key by key over the stored custom fields. */
  customFields?: Record<string, unknown>;
  tags?: string[];
  attribution?: LeadAttribution;
  /** Latest consent given (text as shown), if any. */
  consent?: { text: string; at: Date } | null;
  timeZone?: string | null;
}

export interface LeadUpsertResult {
  lead: Lead;
  created: boolean;
}

const clean = (v: string | null | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

function firstTouch(a: LeadAttribution | undefined) {
  return {
    firstFormId: a?.formId ?? null,
    firstUtmSource: clean(a?.utmSource) ?? null,
    firstUtmMedium: clean(a?.utmMedium) ?? null,
    firstUtmCampaign: clean(a?.utmCampaign) ?? null,
    firstUtmTerm: clean(a?.utmTerm) ?? null,
    firstUtmContent: clean(a?.utmContent) ?? null,
    firstReferrer: clean(a?.referrer) ?? null,
    firstPageUrl: clean(a?.pageUrl) ?? null,
  };
}

/** Normalises an email the way leads are keyed: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const FIRST_TOUCH = [
  'firstFormId',
  'firstUtmSource',
  'firstUtmMedium',
  'firstUtmCampaign',
  'firstUtmTerm',
  'firstUtmContent',
  'firstReferrer',
  'firstPageUrl',
] as const;

/**
 * The upsert as ONE SQL statement (INSERT ... ON CONFLICT DO UPDATE), without RETURNING, so
 * callers can append their own or wrap it in a CTE (the form submission path stores the lead and
 * its submission in a single statement). The merge rules of this module, in SQL: a non-empty new
 * value wins, custom fields merge key by key, tags are added, first touch is written only while
 * the lead has none, status is left alone. The conflict takes the row lock, so concurrent
 * upserts of one address serialise and merge.
 */
export function leadUpsertSql(input: LeadUpsertInput, id: string = uuidv7()): Prisma.Sql {
  return leadsUpsertSql([{ input, id }]);
}

/**
 * leadUpsertSql for many leads in one statement (one VALUES row each). The inputs must not repeat
 * a (workspace, email) pair: one statement cannot update the same row twice.
 */
export function leadsUpsertSql(rows: { input: LeadUpsertInput; id: string }[]): Prisma.Sql {
  if (rows.length === 0) throw new Error('leadsUpsertSql needs at least one lead');
  // First touch is written as a whole, and only while the lead has none at all.
  const noFirstTouch = FIRST_TOUCH.map((x) => `l."${x}" IS NULL`).join(' AND ');
  const keepFirst = Prisma.raw(
    FIRST_TOUCH.map(
      (c) => `"${c}" = CASE WHEN ${noFirstTouch} THEN EXCLUDED."${c}" ELSE l."${c}" END`,
    ).join(', '),
  );
  const values = rows.map(({ input, id }) => {
    const email = normalizeEmail(input.email);
    const custom = Object.fromEntries(
      Object.entries(input.customFields ?? {}).filter(
        ([, v]) => v !== undefined && v !== null && v !== '',
      ),
    );
    const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];
    const ft = firstTouch(input.attribution);
    return Prisma.sql`(${id}::uuid, ${input.workspaceId}::uuid, ${email}, ${clean(input.firstName) ?? null},
      ${clean(input.lastName) ?? null}, ${clean(input.phone) ?? null}, ${clean(input.timeZone) ?? null},
      ${JSON.stringify(custom)}::jsonb, ${tags}::text[], ${input.consent?.at ?? null}::timestamptz,
      ${input.consent?.text ?? null}, ${ft.firstFormId}::uuid, ${ft.firstUtmSource}, ${ft.firstUtmMedium},
      ${ft.firstUtmCampaign}, ${ft.firstUtmTerm}, ${ft.firstUtmContent}, ${ft.firstReferrer}, ${ft.firstPageUrl}, now())`;
  });
  return Prisma.sql`
    INSERT INTO "Lead" AS l ("id", "workspaceId", "email", "firstName", "lastName", "phone", "timeZone",
      "customFields", "tags", "consentAt", "consentText",
      "firstFormId", "firstUtmSource", "firstUtmMedium", "firstUtmCampaign", "firstUtmTerm", "firstUtmContent",
      "firstReferrer", "firstPageUrl", "updatedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("workspaceId", "email") DO UPDATE SET
      "firstName" = COALESCE(EXCLUDED."firstName", l."firstName"),
      "lastName" = COALESCE(EXCLUDED."lastName", l."lastName"),
      "phone" = COALESCE(EXCLUDED."phone", l."phone"),
      "timeZone" = COALESCE(EXCLUDED."timeZone", l."timeZone"),
      "customFields" = l."customFields" || EXCLUDED."customFields",
      "tags" = l."tags" || ARRAY(SELECT t FROM unnest(EXCLUDED."tags") AS t WHERE NOT (t = ANY (l."tags"))),
      "consentAt" = COALESCE(EXCLUDED."consentAt", l."consentAt"),
      "consentText" = COALESCE(EXCLUDED."consentText", l."consentText"),
      ${keepFirst},
      "updatedAt" = now()`;
}

/**
 * Creates or updates the workspace's lead for `input.email` in one statement (see
 * leadUpsertSql for the rules). Works with a plain client or inside a caller's transaction.
 */
export async function upsertLead(db: DbClient, input: LeadUpsertInput): Promise<LeadUpsertResult> {
  const rows = await db.$queryRaw<
    (Lead & { created: boolean })[]
  >`${leadUpsertSql(input)} RETURNING l.*, (l.xmax = 0) AS created`;
  const row = rows[0];
  if (!row) throw new Error('lead upsert returned no row');
  const { created, ...lead } = row;
  return { lead: lead, created };
}

/**
 * Splits items into rounds so that no round holds one lead twice (one statement cannot upsert a
 * row twice): round k holds each lead's k-th item, so a lead's items stay in their order.
 */
export function roundsByLead<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    (rounds[k] ??= []).push(item);
  }
  return rounds;
}

/** What upsertLeads did for one input (in input order). */
export interface LeadsUpsertRow {
  id: string;
  email: string;
  status: Lead['status'];
  created: boolean;
  /** The lead's tags before this upsert (empty for a new lead). */
  tagsBefore: string[];
}

/**
 * Upserts many leads with the rules of leadUpsertSql, one statement per round (roundsByLead: an
 * address given twice merges in order), inside the caller's transaction when given one. Returns
 * one row per input, in input order.
 */
export async function upsertLeads(
  db: DbClient,
  inputs: LeadUpsertInput[],
): Promise<LeadsUpsertRow[]> {
  const indexed = inputs.map((input, i) => ({ input, i, id: uuidv7() }));
  const out = new Array<LeadsUpsertRow>(inputs.length);
  const keyOf = (x: { input: LeadUpsertInput }) =>
    `${x.input.workspaceId}:${normalizeEmail(x.input.email)}`;
  for (const round of roundsByLead(indexed, keyOf)) {
    // The sub-select reads the lead as it was before this statement (its snapshot).
    const rows = await db.$queryRaw<
      (Omit<LeadsUpsertRow, 'tagsBefore'> & { workspaceId: string; tagsBefore: string[] | null })[]
    >`
      ${leadsUpsertSql(round)} RETURNING l.id::text AS id, l."workspaceId"::text AS "workspaceId", l.email, l.status::text AS status,
        (l.xmax = 0) AS created, (SELECT o.tags FROM "Lead" o WHERE o.id = l.id) AS "tagsBefore"`;
    const byKey = new Map(rows.map((r) => [`${r.workspaceId}:${r.email}`, r]));
    for (const x of round) {
      const r = byKey.get(keyOf(x));
      if (!r) throw new Error('lead upsert returned no row');
      out[x.i] = {
        id: r.id,
        email: r.email,
        status: r.status,
        created: r.created,
        tagsBefore: r.tagsBefore ?? [],
      };
    }
  }
  return out;
}

/** A random UUID v7 (RFC 9562): 48-bit millisecond timestamp, then random bits. */
export function uuidv7(now = Date.now()): string {
  // The random bits (and the variant) come from randomUUID, which draws on a cached entropy
  // pool: a getRandomValues call per id was a measurable share of the form submission path.
  const r = randomUUID();
  const ts = Math.floor(now).toString(16).padStart(12, '0').slice(-12);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${r.slice(15, 18)}-${r.slice(19, 23)}-${r.slice(24)}`;
}
