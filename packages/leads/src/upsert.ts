// The lead merge rules, in one place for every way a lead arrives (form submissions, CSV import,
// the API): dedupe by lower-cased email within the workspace; a new non-empty value updates the
// lead; first-touch attribution is written once and then kept; status is never changed here, so
// a lead that unsubscribed, bounced or complained stays that way.
import type { Prisma, Db, Lead } from '@kindling/db';

/** A Prisma client or an interactive transaction's client. */
export type DbClient = Db | Prisma.TransactionClient;

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

const hasFirstTouch = (l: Lead) =>
  Boolean(l.firstFormId || l.firstUtmSource || l.firstUtmMedium || l.firstUtmCampaign || l.firstReferrer || l.firstPageUrl);

/** Normalises an email the way leads are keyed: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Creates or updates the workspace's lead for `input.email` under a row lock, so concurrent
 * submissions for one address merge instead of racing. Pass a transaction client to make the
 * upsert part of a larger unit (the form submission row, say); with a plain client it runs in
 * its own transaction.
 */
export async function upsertLead(db: DbClient, input: LeadUpsertInput): Promise<LeadUpsertResult> {
  if ('$transaction' in db) return db.$transaction((tx) => upsertLead(tx, input));
  const email = normalizeEmail(input.email);
  // Insert-if-absent without an error on conflict (an error would abort the caller's transaction).
  const id = uuidv7();
  const inserted = await db.$executeRaw`
    INSERT INTO "Lead" ("id", "workspaceId", "email", "updatedAt")
    VALUES (${id}::uuid, ${input.workspaceId}::uuid, ${email}, now())
    ON CONFLICT ("workspaceId", "email") DO NOTHING`;
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Lead" WHERE "workspaceId" = ${input.workspaceId}::uuid AND "email" = ${email} FOR UPDATE`;
  const leadId = rows[0]?.id;
  if (!leadId) throw new Error('lead row vanished between insert and lock');
  const current = await db.lead.findUniqueOrThrow({ where: { id: leadId } });
  const created = inserted === 1;

  const data: Prisma.LeadUpdateInput = {};
  const firstName = clean(input.firstName);
  const lastName = clean(input.lastName);
  const phone = clean(input.phone);
  const timeZone = clean(input.timeZone);
  if (firstName && firstName !== current.firstName) data.firstName = firstName;
  if (lastName && lastName !== current.lastName) data.lastName = lastName;
  if (phone && phone !== current.phone) data.phone = phone;
  if (timeZone && timeZone !== current.timeZone) data.timeZone = timeZone;
  const custom = Object.entries(input.customFields ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (custom.length) {
    const stored = (current.customFields ?? {}) as Record<string, unknown>;
    data.customFields = { ...stored, ...Object.fromEntries(custom) } as Prisma.InputJsonObject;
  }
  const tags = (input.tags ?? []).map((t) => t.trim()).filter((t) => t && !current.tags.includes(t));
  if (tags.length) data.tags = [...current.tags, ...new Set(tags)];
  if (input.consent) {
    data.consentAt = input.consent.at;
    data.consentText = input.consent.text;
  }
  if (!hasFirstTouch(current) && input.attribution) {
    const ft = firstTouch(input.attribution);
    const { firstFormId, ...rest } = ft;
    Object.assign(data, rest);
    if (firstFormId) data.firstForm = { connect: { id: firstFormId } };
  }
  const lead = Object.keys(data).length ? await db.lead.update({ where: { id: leadId }, data }) : current;
  return { lead, created };
}

/** A random UUID v7 (RFC 9562): 48-bit millisecond timestamp, then random bits. */
export function uuidv7(now = Date.now()): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let ts = now;
  for (let i = 5; i >= 0; i--) {
    b[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
