// CSV import merge: rows staged by COPY (prepareRow's lines) merged into "Lead" with the rules of
// upsertLead, set-based because a row-by-row upsert cannot reach COPY-like speed at a million
// rows: dedupe by lower-cased email within the workspace, non-empty imported values win over
// stored ones, empty cells never erase, tags and custom fields are merged, first-touch
// attribution is never touched and status is never changed (an unsubscribed lead stays
// unsubscribed). Each merged lead records the import (`lastImportId`), so a later row of the same
// import with the same email counts as a duplicate, in this batch or in any later one.

/** The staging table's columns; a COPY line fills all but `pass` (an id, then prepareRow's line). */
export const IMPORT_STAGING_COLUMNS =
  'id uuid, rownum int, email text, first_name text, last_name text, phone text, time_zone text, tags text[], custom jsonb, pass int';
/** The columns a COPY line fills, in order. */
export const IMPORT_COPY_COLUMNS =
  'id, rownum, email, first_name, last_name, phone, time_zone, tags, custom';

/** One statement on the connection that holds the batch's transaction (node-postgres style). */
export type ImportQuery = (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;

export interface MergeResult {
  created: number;
  updated: number;
  /** Rows whose email an earlier row of the same import already merged. */
  duplicates: number;
  /** Every lead the batch touched, once each (only when asked for). */
  leadIds: string[];
}

/**
 * Merges the staged rows into "Lead" inside the caller's transaction (it uses a savepoint).
 * Most batches repeat no email: everything goes in one statement. A repeated email makes
 * PostgreSQL refuse (21000, "cannot affect row a second time"); then the rows merge in file
 * order: pass 1 upserts each email's first row, pass 2 its second row, and so on, through the
 * same ON CONFLICT rules as leads already stored.
 */
export async function mergeStagedLeads(
  query: ImportQuery,
  staging: string,
  input: { workspaceId: string; importId: string; leadIds: boolean },
): Promise<MergeResult> {
  // For a row that met a stored lead, the sub-select reads the lead as it was before this
  // statement (the statement's snapshot): already merged by this import means a duplicate.
  type Counts = { rows: number; created: number; again: number; ids: string[] | null };
  const merge = async (where: string, params: unknown[]) =>
    (await query(
      `WITH up AS (
         INSERT INTO "Lead" (id, "workspaceId", email, "firstName", "lastName", phone, "timeZone", tags, "customFields", "lastImportId", "createdAt", "updatedAt")
         SELECT id, $1::uuid, email, first_name, last_name, phone, time_zone, coalesce(tags, '{}'), coalesce(custom, '{}'), $2::uuid, now(), now()
         FROM ${staging} ${where}
         ON CONFLICT ("workspaceId", email) DO UPDATE SET
           "firstName" = coalesce(EXCLUDED."firstName", "Lead"."firstName"),
           "lastName" = coalesce(EXCLUDED."lastName", "Lead"."lastName"),
           phone = coalesce(EXCLUDED.phone, "Lead".phone),
           "timeZone" = coalesce(EXCLUDED."timeZone", "Lead"."timeZone"),
           tags = CASE WHEN cardinality(EXCLUDED.tags) = 0 THEN "Lead".tags
                  ELSE ARRAY(SELECT t FROM unnest("Lead".tags || EXCLUDED.tags) WITH ORDINALITY u(t, o) GROUP BY t ORDER BY min(o)) END,
           "customFields" = "Lead"."customFields" || EXCLUDED."customFields",
           "lastImportId" = EXCLUDED."lastImportId",
           "updatedAt" = now()
         RETURNING "Lead".id, (xmax = 0) AS inserted,
           CASE WHEN xmax = 0 THEN false
                ELSE coalesce((SELECT o."lastImportId" = $2::uuid FROM "Lead" o WHERE o.id = "Lead".id), false) END AS again
       )
       SELECT count(*)::int AS rows, (count(*) FILTER (WHERE inserted))::int AS created,
              (count(*) FILTER (WHERE again))::int AS again,
              CASE WHEN $3::boolean THEN array_agg(id::text) END AS ids
       FROM up`,
      params,
    )) as { rows: Counts[] };
  const total = { rows: 0, created: 0, again: 0, ids: [] as string[] };
  const add = (r: Counts) => {
    total.rows += r.rows;
    total.created += r.created;
    total.again += r.again;
    if (r.ids) total.ids.push(...r.ids);
  };
  await query('SAVEPOINT single_pass');
  try {
    add((await merge('', [input.workspaceId, input.importId, input.leadIds])).rows[0]!);
    await query('RELEASE SAVEPOINT single_pass');
  } catch (err) {
    if ((err as { code?: string }).code !== '21000') throw err;
    await query('ROLLBACK TO SAVEPOINT single_pass');
    await query(
      `WITH r AS (SELECT rownum, row_number() OVER (PARTITION BY email ORDER BY rownum)::int AS pass FROM ${staging})
       UPDATE ${staging} t SET pass = r.pass FROM r WHERE r.rownum = t.rownum`,
    );
    const { rows } = (await query(`SELECT max(pass)::int AS passes FROM ${staging}`)) as {
      rows: { passes: number }[];
    };
    const passes = rows[0]?.passes ?? 0;
    for (let pass = 1; pass <= passes; pass++) {
      add(
        (
          await merge(`WHERE pass = ${pass}`, [
            input.workspaceId,
            input.importId,
            input.leadIds && pass === 1,
          ])
        ).rows[0]!,
      );
    }
  }
  return {
    created: total.created,
    duplicates: total.again,
    updated: total.rows - total.created - total.again,
    leadIds: total.ids,
  };
}
