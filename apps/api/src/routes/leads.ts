// Leads: the table (keyset pagination, search, filters, sort), bulk actions over a selection or
// the whole filtered set, lead detail with its timeline, edits, erasure, one lead's data as JSON,
// CSV export (streamed COPY) and CSV import (upload into Postgres, mapping, progress of the
// worker's import, report).
// Every query is scoped by auth.workspaceId; another workspace's lead answers 404.
import type express from 'express';
import { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  bulkLeadsSchema,
  idParamSchema,
  importStatusSchema,
  leadFiltersSchema,
  leadListQuerySchema,
  leadListSchema,
  LEAD_EXPORT_COLUMNS,
  startImportSchema,
  updateLeadSchema,
  unstorableTextReason,
  type LeadRow,
  type Permission,
} from '@kindling/shared';
import type { Prisma } from '@kindling/db';
import { enrollByTrigger, enrollLead } from '@kindling/campaigns';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../http/errors.js';
import { authorize, defineRoute, type AnyRoute, type AuthMode } from '../http/route.js';
import { leadWhere, Params } from '../leads/filters.js';
import {
  countSelection,
  eraseSelection,
  selectionSql,
  tagSelection,
  untagSelection,
  unsubscribeSelection,
  type LeadSelection,
} from '../leads/sets.js';
import { exportLeadsCsv } from '../leads/export.js';
import { importView, loadImport, sendReport, startImport } from '../leads/import/state.js';
import { receiveUpload } from '../leads/import/upload.js';
import { leadDataExport, leadDetail, leadTimeline } from '../leads/detail.js';

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

function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}
/** The cursor's sort value and lead id; a cursor that does not fit the sort is a 400. */
function decodeCursor(cursor: string, type: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v[1]) &&
      (type === 'timestamptz' ? isTimestamp(v[0]) : unstorableTextReason(v[0]) === null)
    )
      return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new AppError('bad_request', 'Invalid cursor; start again from the first page');
}

/** A sort key as encodeCursor writes timestamps (to_char in the list query), and a real one. */
function isTimestamp(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(v)) return false;
  const d = new Date(v);
  // Date accepts Feb 31 (rolling over) and year 0; PostgreSQL refuses both.
  return d.getUTCFullYear() >= 1 && d.toISOString().slice(0, 19) === v.slice(0, 19);
}

const selectionOf = (body: z.infer<typeof bulkLeadsSchema>): LeadSelection =>
  body.ids ? { ids: body.ids } : { filters: body.filters ?? {} };

/** Leads routes declared for validation, auth and the OpenAPI document. */
export function leadRoutes(deps: AppDeps): AnyRoute[] {
  const { db, pgPool } = deps;

  async function findLead(workspaceId: string, id: string) {
    const lead = await db.lead.findFirst({ where: { id, workspaceId } });
    if (!lead) throw notFound('Lead');
    return lead;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/leads',
      summary: 'List leads: search, filters, sort, keyset pagination (cursor)',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      query: leadListQuerySchema,
      response: leadListSchema,
      handler: async ({ auth, query }) => {
        const { sort, dir, cursor, limit, count, ...filters } = query;
        const params = new Params();
        const where = leadWhere(auth.workspaceId, filters, params);
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
                `SELECT count(*)::int AS n FROM "Lead" l WHERE ${leadWhere(auth.workspaceId, filters, countParams)}`,
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
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/facets',
      summary:
        'Values for the filter menus: tags, UTM sources, forms, campaigns, custom field keys',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      handler: async ({ auth }) => {
        const ws = auth.workspaceId;
        // Sampled from the newest leads so the menus stay fast at a million rows.
        const [tags, sources, keys, forms, campaigns] = await Promise.all([
          pgPool.query<{ tag: string }>(
            `SELECT DISTINCT unnest(tags) AS tag FROM (SELECT tags FROM "Lead" WHERE "workspaceId" = $1 ORDER BY "createdAt" DESC LIMIT 20000) s ORDER BY 1 LIMIT 200`,
            [ws],
          ),
          pgPool.query<{ s: string }>(
            `SELECT DISTINCT "firstUtmSource" AS s FROM (SELECT "firstUtmSource" FROM "Lead" WHERE "workspaceId" = $1 ORDER BY "createdAt" DESC LIMIT 20000) x WHERE "firstUtmSource" IS NOT NULL ORDER BY 1 LIMIT 100`,
            [ws],
          ),
          pgPool.query<{ k: string }>(
            `SELECT DISTINCT jsonb_object_keys("customFields") AS k FROM (SELECT "customFields" FROM "Lead" WHERE "workspaceId" = $1 ORDER BY "createdAt" DESC LIMIT 5000) x ORDER BY 1 LIMIT 100`,
            [ws],
          ),
          db.form.findMany({
            where: { workspaceId: ws },
            select: { id: true, name: true },
            orderBy: { createdAt: 'desc' },
          }),
          db.campaign.findMany({
            where: { workspaceId: ws },
            select: { id: true, name: true, status: true },
            orderBy: { createdAt: 'desc' },
          }),
        ]);
        return {
          tags: tags.rows.map((r) => r.tag),
          utmSources: sources.rows.map((r) => r.s),
          customFields: keys.rows.map((r) => r.k),
          exportColumns: LEAD_EXPORT_COLUMNS,
          forms,
          campaigns,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/leads/bulk',
      summary:
        'Tag, untag, enroll, unsubscribe or delete the selected leads or the whole filtered set',
      tag: 'leads',
      auth: 'any',
      permission: 'leads:write',
      // One lead is ordinary work; erasing or unsubscribing many at once needs an admin.
      bodyPermission: (b) =>
        (b.action === 'delete' || b.action === 'unsubscribe') && (b.filters || b.ids!.length > 1)
          ? 'leads:bulk-destructive'
          : b.action === 'enroll'
            ? 'campaigns:send'
            : undefined,
      body: bulkLeadsSchema,
      handler: async ({ auth, body }) => {
        const ws = auth.workspaceId;
        const sel = selectionOf(body);
        switch (body.action) {
          case 'tag': {
            const ids = await tagSelection(pgPool, ws, sel, body.tag!);
            const triggered = await db.campaign.count({
              where: {
                workspaceId: ws,
                status: 'active',
                triggers: { some: { type: 'tag_added', tag: body.tag! } },
              },
            });
            let enrolled = 0;
            if (triggered) {
              for (const leadId of ids) {
                enrolled += (
                  await enrollByTrigger(db, {
                    workspaceId: ws,
                    leadId,
                    event: { type: 'tag_added', tag: body.tag! },
                  })
                ).length;
              }
            }
            return { action: body.action, affected: ids.length, enrolled };
          }
          case 'untag':
            return {
              action: body.action,
              affected: await untagSelection(pgPool, ws, sel, body.tag!),
            };
          case 'unsubscribe':
            return { action: body.action, affected: await unsubscribeSelection(pgPool, ws, sel) };
          case 'delete':
            return { action: body.action, affected: await eraseSelection(pgPool, ws, sel) };
          case 'enroll': {
            const campaign = await db.campaign.findFirst({
              where: { id: body.campaignId!, workspaceId: ws },
            });
            if (!campaign) throw notFound('Campaign');
            if (campaign.status !== 'active')
              throw new AppError('conflict', 'Activate the campaign before enrolling leads');
            const params = new Params();
            const sql = selectionSql(ws, sel, params);
            const client = await pgPool.connect();
            let enrolled = 0;
            let seen = 0;
            try {
              await client.query('BEGIN');
              await client.query(`DECLARE bulk_enroll CURSOR FOR ${sql}`, params.values);
              for (;;) {
                const { rows } = await client.query<{ id: string }>('FETCH 500 FROM bulk_enroll');
                if (!rows.length) break;
                for (const r of rows) {
                  seen++;
                  const e = await enrollLead(db, {
                    workspaceId: ws,
                    campaignId: campaign.id,
                    leadId: r.id,
                    source: 'manual',
                  });
                  if (e) enrolled++;
                }
              }
              await client.query('COMMIT');
            } catch (err) {
              await client.query('ROLLBACK').catch(() => undefined);
              throw err;
            } finally {
              client.release();
            }
            // Leads not enrolled were inactive or already in the campaign.
            return { action: body.action, affected: enrolled, skipped: seen - enrolled };
          }
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/leads/count',
      summary: 'How many leads a bulk action would touch (for its confirmation)',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      body: z.object({
        ids: z.array(z.uuid()).max(1000).optional(),
        filters: leadFiltersSchema.optional(),
      }),
      handler: async ({ auth, body }) => ({
        count: await countSelection(
          pgPool,
          auth.workspaceId,
          body.ids ? { ids: body.ids } : { filters: body.filters ?? {} },
        ),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/imports/:id',
      summary: 'Progress and counts of a CSV import',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      params: z.object({ id: z.uuid() }),
      response: importStatusSchema,
      handler: async ({ auth, params }) =>
        importView(await loadImport(deps, auth.workspaceId, params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/leads/imports/:id/start',
      summary: 'Start a CSV import with a column mapping, an optional tag and campaign',
      tag: 'leads',
      auth: 'any',
      permission: 'leads:write',
      params: z.object({ id: z.uuid() }),
      body: startImportSchema,
      response: importStatusSchema,
      status: 202,
      handler: async ({ auth, params, body }) =>
        startImport(deps, auth.workspaceId, params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/:id',
      summary: 'One lead: fields, custom fields, tags, consent, attribution and submissions',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      handler: async ({ auth, params }) =>
        leadDetail(db, await findLead(auth.workspaceId, params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/:id/timeline',
      summary: 'Everything that happened to a lead, newest first (machine opens and clicks marked)',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      handler: async ({ auth, params }) => ({
        items: await leadTimeline(db, await findLead(auth.workspaceId, params.id)),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/:id/data.json',
      summary: "Download one lead's personal data (right of access)",
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      handler: async ({ auth, params, res }) => {
        const lead = await findLead(auth.workspaceId, params.id);
        res.set('Content-Disposition', `attachment; filename="lead-${lead.id}.json"`);
        return leadDataExport(db, lead);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/leads/:id',
      summary: 'Edit a lead: names, phone, time zone, tags, custom fields',
      tag: 'leads',
      auth: 'any',
      permission: 'leads:write',
      params: idParamSchema,
      body: updateLeadSchema,
      handler: async ({ auth, params, body }) => {
        const lead = await findLead(auth.workspaceId, params.id);
        const { customFields, tags, ...rest } = body;
        const fields = customFields
          ? Object.fromEntries(Object.entries(customFields).filter(([, v]) => v !== null))
          : undefined;
        const newTags = tags ? [...new Set(tags)] : undefined;
        const updated = await db.$transaction(async (tx) => {
          const row = await tx.lead.update({
            where: { id: lead.id },
            data: { ...rest, ...(newTags ? { tags: newTags } : {}) },
          });
          if (fields === undefined) return row;
          // Not through Prisma's JSON encoding, which drops a "__proto__" key: custom field
          // names are the tenant's own and are stored verbatim.
          await tx.$executeRaw`UPDATE "Lead" SET "customFields" = ${JSON.stringify(fields)}::jsonb WHERE id = ${lead.id}::uuid`;
          return { ...row, customFields: fields as Prisma.JsonObject };
        });
        if (newTags) {
          for (const tag of newTags.filter((t) => !lead.tags.includes(t))) {
            await enrollByTrigger(db, {
              workspaceId: auth.workspaceId,
              leadId: lead.id,
              event: { type: 'tag_added', tag },
            });
          }
        }
        return leadDetail(db, updated);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/leads/:id',
      summary: 'Erase a lead and the personal data in its submissions, messages and events',
      tag: 'leads',
      auth: 'any',
      permission: 'leads:write',
      params: idParamSchema,
      handler: async ({ auth, params }) => {
        const lead = await findLead(auth.workspaceId, params.id);
        await eraseSelection(pgPool, auth.workspaceId, { ids: [lead.id] });
        return undefined;
      },
    }),
  ];
}

type Authenticate = (mode: AuthMode) => express.RequestHandler;

/** The role-matrix permission of each non-JSON leads endpoint (the JSON ones declare theirs). */
export const LEADS_HTTP_PERMISSIONS = {
  'GET /api/leads/export.csv': 'leads:export',
  'POST /api/leads/imports': 'leads:write',
  'GET /api/leads/imports/:id/report.csv': 'read',
} as const satisfies Record<string, Permission>;

const permit =
  (key: keyof typeof LEADS_HTTP_PERMISSIONS): express.RequestHandler =>
  (req, _res, next) => {
    authorize(req.auth!, LEADS_HTTP_PERMISSIONS[key]);
    next();
  };

const wrap =
  (fn: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/**
 * The leads endpoints that are not JSON: CSV export, CSV upload and the rejected-rows report.
 * Mounted by createApp before the JSON routes.
 */
export function mountLeadsHttp(app: Express, deps: AppDeps, authenticate: Authenticate): void {
  const any = authenticate('any');
  app.get(
    '/api/leads/export.csv',
    any,
    permit('GET /api/leads/export.csv'),
    wrap(async (req, res) => exportLeadsCsv(deps, req.auth!, req, res)),
  );
  app.post(
    '/api/leads/imports',
    // The authenticator demands JSON for cookie-authenticated writes (CSRF). A CSV upload cannot
    // be JSON, so it requires a custom header instead: cross-site forms cannot send one without a
    // CORS preflight, which this api never grants.
    (req, _res, next) => {
      if (req.get('x-kindling-upload') !== '1')
        return next(
          new AppError('bad_request', 'Send the file with the X-Kindling-Upload: 1 header'),
        );
      req.headers['x-upload-content-type'] = req.headers['content-type'] ?? '';
      req.headers['content-type'] = 'application/json';
      next();
    },
    any,
    permit('POST /api/leads/imports'),
    (req, _res, next) => {
      req.headers['content-type'] = String(req.headers['x-upload-content-type'] ?? '');
      next();
    },
    wrap(async (req, res) => {
      const name = typeof req.query.fileName === 'string' ? req.query.fileName : 'upload.csv';
      const status = await receiveUpload(deps, req.auth!.workspaceId, req, name);
      res.status(201).json(status);
    }),
  );
  app.get(
    '/api/leads/imports/:id/report.csv',
    any,
    permit('GET /api/leads/imports/:id/report.csv'),
    wrap(async (req, res) => {
      const s = await loadImport(deps, req.auth!.workspaceId, String(req.params.id));
      await sendReport(deps, s, res);
    }),
  );
}
