// One SQL WHERE builder for the leads page's filters, shared by the list, the count, bulk actions
// and the CSV export, so "what the page shows" and "what the export contains" cannot drift apart.
import type { LeadFilters } from '@kindling/shared';

/** Positional parameters for node-postgres, collected while building SQL text. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder ($n). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * What the search box matches, as one expression: the email, then (after a line break, which no
 * search crosses) first and last name with a space between, so "ada love" finds Ada Lovelace.
 * Migration 20261201153000_lead_search_trgm indexes exactly this text with pg_trgm, so a
 * substring search over a million leads reads the index instead of every row: keep the two the
 * same (filters.integration.test.ts checks the planner can use the index).
 */
export function leadSearchText(alias: string): string {
  return `lower(${alias}.email || E'\\n' || coalesce(${alias}."firstName", '') || ' ' || coalesce(${alias}."lastName", ''))`;
}

/** Escapes LIKE wildcards so a search for "50%" matches the text literally. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A bare date as an upper bound means "through the end of that day". */
function upperBound(to: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    const d = new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString();
  }
  return to;
}

/**
 * Conditions on alias `l` ("Lead"), always starting with the workspace scope. Returns SQL text
 * to put after WHERE; values go into `params`.
 */
export function leadWhere(
  workspaceId: string,
  f: LeadFilters,
  params: Params,
  alias = 'l',
): string {
  const a = alias;
  const parts = [`${a}."workspaceId" = ${params.add(workspaceId)}::uuid`];
  if (f.q) {
    const p = params.add(`%${likeEscape(f.q.toLowerCase())}%`);
    parts.push(`${leadSearchText(a)} LIKE ${p}`);
  }
  if (f.status) parts.push(`${a}.status = ${params.add(f.status)}::"LeadStatus"`);
  if (f.tag) parts.push(`${a}.tags @> ARRAY[${params.add(f.tag)}]::text[]`);
  if (f.formId) {
    const p = params.add(f.formId);
    parts.push(
      `(${a}."firstFormId" = ${p}::uuid OR EXISTS (SELECT 1 FROM "FormSubmission" s WHERE s."leadId" = ${a}.id AND s."formId" = ${p}::uuid))`,
    );
  }
  if (f.campaignId) {
    parts.push(
      `EXISTS (SELECT 1 FROM "Enrollment" e WHERE e."leadId" = ${a}.id AND e."campaignId" = ${params.add(f.campaignId)}::uuid)`,
    );
  }
  if (f.from) parts.push(`${a}."createdAt" >= ${params.add(f.from)}::timestamptz`);
  if (f.to) parts.push(`${a}."createdAt" < ${params.add(upperBound(f.to))}::timestamptz`);
  if (f.utmSource)
    parts.push(`lower(${a}."firstUtmSource") = ${params.add(f.utmSource.toLowerCase())}`);
  return parts.join(' AND ');
}
