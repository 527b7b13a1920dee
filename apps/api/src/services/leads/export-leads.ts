// GET /api/leads/export.csv: streamed straight from PostgreSQL with COPY (SELECT ...) TO STDOUT,
// piped to the response with backpressure, so memory stays flat whatever the row count.
// PostgreSQL's CSV output already follows RFC 4180 quoting (fields with commas, quotes or line
// breaks are quoted, quotes doubled); the formula guard runs in the SELECT itself.
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { to as copyTo } from 'pg-copy-streams';
import { DEFAULT_EXPORT_COLUMNS, LEAD_EXPORT_COLUMNS, leadFiltersSchema } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { assertStorable, type Auth } from '../../http/route.js';
import { AppError, zodDetails } from '../../http/errors.js';
import { leadWhere, Params } from './filters.js';
import { csvLine, sqlGuard, sqlLiteral } from './csv.js';

/** Inlines values as SQL literals instead of $n placeholders (COPY takes no parameters). */
class InlineParams extends Params {
  override add(value: unknown): string {
    return sqlLiteral(String(value));
  }
}

const TIMESTAMP_COLUMNS = new Set([
  'consentAt',
  'confirmedAt',
  'unsubscribedAt',
  'createdAt',
  'updatedAt',
]);
// Values nobody types (ids, enum statuses, timestamps) need no formula guard.
const UNGUARDED = new Set(['id', 'status', ...TIMESTAMP_COLUMNS]);

const exportQuerySchema = leadFiltersSchema.extend({
  /** Column keys, comma-separated or repeated (`cf.<key>` for a custom field; repeat the
   * parameter for a key that itself contains a comma). */
  columns: z.union([z.string().max(4000), z.array(z.string().max(200)).max(100)]).optional(),
  /** 1: start with a UTF-8 byte order mark, which Excel needs to read UTF-8. */
  bom: z.enum(['0', '1']).default('0'),
});

/** The SQL text expression for one export column on alias `l`. */
export function columnExpr(column: string): string {
  if (column.startsWith('cf.'))
    return sqlGuard(`(l."customFields" ->> ${sqlLiteral(column.slice(3))})`);
  if (!(LEAD_EXPORT_COLUMNS as readonly string[]).includes(column))
    throw new Error(`unknown column ${column}`);
  let expr: string;
  if (column === 'tags') expr = `array_to_string(l.tags, ';')`;
  else if (TIMESTAMP_COLUMNS.has(column))
    expr = `to_char(l."${column}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  else expr = `l."${column}"::text`;
  return UNGUARDED.has(column) ? expr : sqlGuard(expr);
}

/** Parses and checks the chosen columns; unknown ones are a 400 that names them. */
export function parseColumns(raw: string | string[] | undefined): string[] {
  const columns = Array.isArray(raw)
    ? raw.map((c) => c.trim()).filter(Boolean)
    : raw
      ? raw
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
      : DEFAULT_EXPORT_COLUMNS;
  const unknown = columns.filter(
    (c) => !(LEAD_EXPORT_COLUMNS as readonly string[]).includes(c) && !/^cf\.[^\0]{1,100}$/.test(c),
  );
  if (unknown.length || columns.length === 0 || columns.length > 100) {
    throw new AppError(
      'bad_request',
      `Unknown export columns: ${unknown.join(', ') || '(none chosen)'}`,
      [
        {
          field: 'columns',
          issue: `choose from ${LEAD_EXPORT_COLUMNS.join(', ')} or cf.<custom field>`,
        },
      ],
    );
  }
  return columns;
}

/** Builds the COPY statement for the chosen columns and filters (exported for the benchmark). */
export function exportCopySql(
  workspaceId: string,
  filters: z.infer<typeof leadFiltersSchema>,
  columns: string[],
): string {
  const where = leadWhere(workspaceId, filters, new InlineParams());
  const select = columns.map(columnExpr).join(', ');
  return `COPY (SELECT ${select} FROM "Lead" l WHERE ${where} ORDER BY l."createdAt", l.id) TO STDOUT WITH (FORMAT csv)`;
}

/** The express handler behind GET /api/leads/export.csv (auth already resolved). */
export async function exportLeadsCsv(
  deps: AppDeps,
  auth: Auth,
  req: Request,
  res: Response,
): Promise<void> {
  // Not a declared route (it streams), so the storable-text rule of route parsing is applied here.
  assertStorable(req.query);
  const parsed = exportQuerySchema.safeParse(req.query);
  if (!parsed.success)
    throw new AppError('bad_request', 'Invalid query parameters', zodDetails(parsed.error));
  const { columns: rawColumns, bom, ...filters } = parsed.data;
  const columns = parseColumns(rawColumns);
  const sql = exportCopySql(auth.workspaceId, filters, columns);

  const client = await deps.pgPool.connect();
  let broken = false;
  try {
    const stamp = new Date().toISOString().slice(0, 10);
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="leads-${stamp}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write((bom === '1' ? '\uFEFF' : '') + csvLine(columns));
    const stream = client.query(copyTo(sql));
    await pipeline(stream, res);
  } catch (err) {
    // A client that hangs up mid-COPY leaves the connection in an unknown protocol state.
    broken = true;
    if (!res.headersSent) throw err;
    req.log.warn({ err }, 'lead export stopped');
    res.destroy();
  } finally {
    client.release(broken);
  }
}
