// The leads table: search, filters, sort and keyset pagination in one SQL statement, with an
// optional total count of the filtered set on the first page.
import type { z } from 'zod';
import type { Pool } from 'pg';
import type { LeadList, LeadRow, leadListQuerySchema } from '@kindling/shared';
import { leadWhere, Params } from './filters.js';
import { decodeCursor, encodeCursor } from './lead-cursor.js';

const SORT_SQL: Record<string, { expr: string; type: string }> = {
  createdAt: { expr: 'l."createdAt"', type: 'timestamptz' },
  updatedAt: { expr: 'l."updatedAt"', type: 'timestamptz' },
  email: { expr: 'l.email', type: 'text' },
  firstName: { expr: `coalesce(l."firstName", '')`, type: 'text' },
  lastName: { expr: `coalesce(l."lastName", '')`, type: 'text' },
  status: { expr: 'l.status::text', type: 'text' },
};

interface ListRow {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  status: LeadRow['status'];
  tags: string[];
  firstUtmSource: string | null;
  createdAt: Date;
  updatedAt: Date;
  sortKey: string;
}

/** One page of the workspace's leads. */
export async function listLeads(
  pgPool: Pool,
  workspaceId: string,
  query: z.output<typeof leadListQuerySchema>,
): Promise<LeadList> {
  const { sort, dir, cursor, limit, count, ...filters } = query;
  const params = new Params();
  const where = leadWhere(workspaceId, filters, params);
  const key = SORT_SQL[sort]!;
  const cmp = dir === 'desc' ? '<' : '>';
  let page = where;
  if (cursor) {
    const [value, id] = decodeCursor(cursor, key.type);
    page += ` AND (${key.expr}, l.id) ${cmp} (${params.add(value)}::${key.type}, ${params.add(id)}::uuid)`;
  }
  const sortText =
    key.type === 'timestamptz'
      ? `to_char(${key.expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
      : key.expr;
  const sql = `SELECT l.id, l.email, l."firstName", l."lastName", l.phone, l.status, l.tags, l."firstUtmSource",
      l."createdAt", l."updatedAt", ${sortText} AS "sortKey"
    FROM "Lead" l WHERE ${page} ORDER BY ${key.expr} ${dir}, l.id ${dir} LIMIT ${limit + 1}`;
  const countParams = new Params();
  const [list, total] = await Promise.all([
    pgPool.query<ListRow>(sql, params.values),
    count === '1' && !cursor
      ? pgPool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "Lead" l WHERE ${leadWhere(workspaceId, filters, countParams)}`,
          countParams.values,
        )
      : null,
  ]);
  const rows = list.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map((r) => ({
      id: r.id,
      email: r.email,
      firstName: r.firstName,
      lastName: r.lastName,
      phone: r.phone,
      status: r.status,
      tags: r.tags,
      firstUtmSource: r.firstUtmSource,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    nextCursor: list.rows.length > limit && last ? encodeCursor(last.sortKey, last.id) : null,
    total: total ? (total.rows[0]?.n ?? 0) : null,
  };
}
