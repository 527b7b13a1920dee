// Leads: create-or-update over the API (one or a batch, Idempotency-Key), lookup by email, the
// table (keyset pagination, search, filters, sort), bulk actions over a selection or
// the whole filtered set, lead detail with its timeline, edits, erasure, one lead's data as JSON,
// CSV export (streamed COPY) and CSV import (upload into Postgres, mapping, progress of the
// worker's import, report).
// Every query is scoped by auth.workspaceId; another workspace's lead answers 404.
import type express from 'express';
import { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  bulkLeadsResultSchema,
  bulkLeadsSchema,
  createLeadsResultSchema,
  createLeadsSchema,
  idParamSchema,
  importStatusSchema,
  leadCountSchema,
  leadDataExportSchema,
  leadDetailSchema,
  leadFacetsSchema,
  leadFiltersSchema,
  leadListQuerySchema,
  leadListSchema,
  leadTimelineSchema,
  startImportSchema,
  updateLeadSchema,
  type Permission,
} from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { authorize, defineRoute, type AnyRoute, type AuthMode } from '../http/route.js';
import { exportLeadsCsv } from '../services/leads/export-leads.js';
import { sendReport } from '../services/imports/import-report.js';
import { importView, loadImport } from '../services/imports/import-state.js';
import { receiveUpload } from '../services/imports/receive-upload.js';
import { startImport } from '../services/imports/start-import.js';
import { bulkLeads, selectionOf } from '../services/leads/bulk-leads.js';
import { countLeads } from '../services/leads/count-leads.js';
import { eraseLead } from '../services/leads/erase-lead.js';
import { leadDataExport } from '../services/leads/lead-data-export.js';
import { getLeadByEmail, getLeadDetail } from '../services/leads/lead-detail.js';
import { createLeads } from '../services/leads/create-leads.js';
import {
  idempotencyKeyOf,
  idempotent,
  requestFingerprint,
} from '../services/idempotency/idempotent.js';
import { leadFacets } from '../services/leads/lead-facets.js';
import { leadTimeline } from '../services/leads/lead-timeline.js';
import { listLeads } from '../services/leads/list-leads.js';
import { updateLead } from '../services/leads/update-lead.js';

/** Leads routes declared for validation, auth and the OpenAPI document. */
export function leadRoutes(deps: AppDeps): AnyRoute[] {
  const { db, pgPool } = deps;
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
      handler: ({ auth, query }) => listLeads(pgPool, auth.workspaceId, query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/leads',
      summary:
        'Create or update one lead or up to 1,000 (merged like form submissions), optionally enrolling them; Idempotency-Key supported',
      tag: 'leads',
      auth: 'any',
      permission: 'leads:write',
      bodyPermission: (b) => (b.campaignIds?.length ? 'campaigns:send' : undefined),
      body: createLeadsSchema,
      response: createLeadsResultSchema,
      handler: async ({ auth, body, req, res }) => {
        const { body: answer, replayed } = await idempotent(
          db,
          {
            workspaceId: auth.workspaceId,
            key: idempotencyKeyOf(req),
            operation: 'POST /api/leads',
            fingerprint: requestFingerprint(req.body),
          },
          (tx) => createLeads(tx, auth.workspaceId, body),
        );
        if (replayed) res.set('Idempotent-Replayed', 'true');
        return answer;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/by-email/:email',
      summary: 'One lead by email address (matched case-insensitively)',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      params: z.object({ email: z.string().min(1).max(320) }),
      response: leadDetailSchema,
      handler: ({ auth, params }) => getLeadByEmail(db, auth.workspaceId, params.email),
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/facets',
      summary:
        'Values for the filter menus: tags, UTM sources, forms, campaigns, custom field keys',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      response: leadFacetsSchema,
      handler: ({ auth }) => leadFacets(db, pgPool, auth.workspaceId),
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
      response: bulkLeadsResultSchema,
      handler: ({ auth, body }) => bulkLeads(deps, auth.workspaceId, body),
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
      response: leadCountSchema,
      handler: ({ auth, body }) => countLeads(pgPool, auth.workspaceId, selectionOf(body)),
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
      response: leadDetailSchema,
      handler: ({ auth, params }) => getLeadDetail(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/:id/timeline',
      summary: 'Everything that happened to a lead, newest first (machine opens and clicks marked)',
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: leadTimelineSchema,
      handler: ({ auth, params }) => leadTimeline(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/leads/:id/data.json',
      summary: "Download one lead's personal data (right of access)",
      tag: 'leads',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: leadDataExportSchema,
      handler: async ({ auth, params, res }) => {
        const { fileName, document } = await leadDataExport(db, auth.workspaceId, params.id);
        res.set('Content-Disposition', `attachment; filename="${fileName}"`);
        return document;
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
      response: leadDetailSchema,
      handler: ({ auth, params, body }) => updateLead(db, auth.workspaceId, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/leads/:id',
      summary: 'Erase a lead and the personal data in its submissions, messages and events',
      tag: 'leads',
      auth: 'any',
      permission: 'leads:write',
      params: idParamSchema,
      status: 204,
      handler: ({ auth, params }) => eraseLead(deps, auth.workspaceId, params.id),
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
