// Set-based operations over a selection of leads (explicit ids or the whole filtered set):
// tag, untag, unsubscribe, erase. Each runs as a handful of SQL statements whatever the set size.
import type { Pool, PoolClient } from 'pg';
import type { LeadFilters } from '@kindling/shared';
import { unsubscribe } from '@kindling/leads';
import { leadWhere, Params } from './filters.js';

/** Which leads: the listed ids or every lead matching the filters; always within one workspace. */
export type LeadSelection = { ids: string[] } | { filters: LeadFilters };

/** SQL for the selected lead ids (a subquery), with its parameters added to `params`. */
export function selectionSql(workspaceId: string, sel: LeadSelection, params: Params): string {
  if ('ids' in sel) {
    return `SELECT l.id FROM "Lead" l WHERE l."workspaceId" = ${params.add(workspaceId)}::uuid AND l.id = ANY(${params.add(sel.ids)}::uuid[])`;
  }
  return `SELECT l.id FROM "Lead" l WHERE ${leadWhere(workspaceId, sel.filters, params)}`;
}

async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Counts the selected leads. */
export async function countSelection(
  pool: Pool,
  workspaceId: string,
  sel: LeadSelection,
): Promise<number> {
  const params = new Params();
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (${selectionSql(workspaceId, sel, params)}) s`,
    params.values,
  );
  return rows[0]?.n ?? 0;
}

/** Adds a tag to every selected lead that lacks it; returns the ids changed. */
export async function tagSelection(
  pool: Pool,
  workspaceId: string,
  sel: LeadSelection,
  tag: string,
): Promise<string[]> {
  const params = new Params();
  const sub = selectionSql(workspaceId, sel, params);
  const t = params.add(tag);
  const { rows } = await pool.query<{ id: string }>(
    `UPDATE "Lead" SET tags = array_append(tags, ${t}), "updatedAt" = now()
     WHERE id IN (${sub}) AND NOT (tags @> ARRAY[${t}]::text[]) RETURNING id`,
    params.values,
  );
  return rows.map((r) => r.id);
}

/** Removes a tag from every selected lead; returns how many changed. */
export async function untagSelection(
  pool: Pool,
  workspaceId: string,
  sel: LeadSelection,
  tag: string,
): Promise<number> {
  const params = new Params();
  const sub = selectionSql(workspaceId, sel, params);
  const t = params.add(tag);
  const res = await pool.query(
    `UPDATE "Lead" SET tags = array_remove(tags, ${t}), "updatedAt" = now() WHERE id IN (${sub}) AND tags @> ARRAY[${t}]::text[]`,
    params.values,
  );
  return res.rowCount ?? 0;
}

/**
 * Unsubscribes the selected leads by the one rule (@kindling/leads unsubscribe: status,
 * suppression, live enrollments exited, an event per lead changed). Returns how many changed.
 */
export async function unsubscribeSelection(
  pool: Pool,
  workspaceId: string,
  sel: LeadSelection,
): Promise<number> {
  const params = new Params();
  const { rows } = await pool.query<{ id: string }>(
    selectionSql(workspaceId, sel, params),
    params.values,
  );
  const leadIds = rows.map((r) => r.id);
  if (!leadIds.length) return 0;
  return (await unsubscribe(pool, { workspaceId, leadIds, via: 'team' })).leadsChanged;
}

/**
 * Erases the selected leads: personal data in their submissions, messages and tracking events is
 * cleared and unlinked (rows stay, so form, campaign and open/click counts stay right), then the
 * leads themselves are deleted (enrollments go with them). Suppressions are kept on purpose: they
 * are what stops an erased address from being mailed again. Returns how many leads were erased.
 */
export async function eraseSelection(
  pool: Pool,
  workspaceId: string,
  sel: LeadSelection,
): Promise<number> {
  return inTransaction(pool, async (c) => {
    const params = new Params();
    const sub = selectionSql(workspaceId, sel, params);
    await c.query(`CREATE TEMP TABLE erase_ids ON COMMIT DROP AS ${sub}`, params.values);
    await c.query(
      `UPDATE "FormSubmission" SET data = '{}', ip = NULL, "userAgent" = NULL, referrer = NULL, "pageUrl" = NULL,
         "utmTerm" = NULL, "utmContent" = NULL, "leadId" = NULL WHERE "leadId" IN (SELECT id FROM erase_ids)`,
    );
    await c.query(
      `UPDATE "TrackingEvent" SET ip = NULL, "userAgent" = NULL, detail = NULL, url = NULL, "leadId" = NULL
       WHERE "leadId" IN (SELECT id FROM erase_ids)`,
    );
    await c.query(
      `UPDATE "Message" SET "toEmail" = 'erased', html = NULL, text = NULL, "leadId" = NULL
       WHERE "leadId" IN (SELECT id FROM erase_ids)`,
    );
    const res = await c.query(`DELETE FROM "Lead" WHERE id IN (SELECT id FROM erase_ids)`);
    return res.rowCount ?? 0;
  });
}
