import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  DEFAULT_THEME,
  formInputSchema,
  formSchema,
  formSummarySchema,
  idParamSchema,
  submissionSchema,
  themeSchema,
  type FormInputParsed,
} from '@kindling/shared';
import type { Db, Form as FormRow, FormField as FieldRow, Prisma } from '@kindling/db';
import type { AppDeps } from '../deps.js';
import { notFound } from '../http/errors.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { publicField } from '../public/submit.js';
import { patternProblem } from '../public/patterns.js';

/** The shared form schema plus the server's rule that a pattern must run in linear time. */
const formBodySchema = formInputSchema.superRefine((f, ctx) => {
  f.fields.forEach((field, i) => {
    const problem = field.pattern ? patternProblem(field.pattern) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['fields', i, 'pattern'], message: problem });
  });
});

/** Public ids are short, unguessable and URL-safe: "frm_" + 12 base62-ish characters. */
export function newPublicId(): string {
  return `frm_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** Stored theme JSON merged over the defaults (older rows may lack newer keys). */
export function themeOf(json: unknown) {
  const parsed = themeSchema.safeParse({ ...DEFAULT_THEME, ...(json as object) });
  return parsed.success ? parsed.data : { ...DEFAULT_THEME };
}

const iso = (d: Date) => d.toISOString();

function fieldView(f: FieldRow) {
  return { id: f.id, position: f.position, ...publicField(f) };
}

function formView(f: FormRow & { fields: FieldRow[] }, submissionCount: number) {
  return {
    id: f.id,
    publicId: f.publicId,
    name: f.name,
    status: f.status,
    submitLabel: f.submitLabel,
    successMessage: f.successMessage,
    redirectUrl: f.redirectUrl,
    doubleOptIn: f.doubleOptIn,
    allowedOrigins: f.allowedOrigins,
    theme: themeOf(f.theme),
    fields: [...f.fields].sort((a, b) => a.position - b.position).map(fieldView),
    submissionCount,
    createdAt: iso(f.createdAt),
    updatedAt: iso(f.updatedAt),
  };
}

function formData(body: FormInputParsed) {
  return {
    name: body.name,
    status: body.status,
    submitLabel: body.submitLabel,
    successMessage: body.successMessage,
    redirectUrl: body.redirectUrl,
    doubleOptIn: body.doubleOptIn,
    allowedOrigins: [...new Set(body.allowedOrigins)],
    theme: body.theme as Prisma.InputJsonObject,
  };
}

/**
 * Replaces a form's fields with `fields`, keeping row ids by key. A consent field's version goes
 * up whenever its text changes, so each submission records exactly which wording was agreed to.
 */
async function writeFields(
  tx: Prisma.TransactionClient,
  formId: string,
  fields: FormInputParsed['fields'],
) {
  const existing = await tx.formField.findMany({ where: { formId } });
  const byKey = new Map(existing.map((f) => [f.key, f]));
  const keep = new Set(fields.map((f) => f.key));
  await tx.formField.deleteMany({ where: { formId, key: { notIn: [...keep] } } });
  for (const [position, f] of fields.entries()) {
    const prev = byKey.get(f.key);
    const consentVersion =
      f.type === 'consent'
        ? prev?.consentText === f.consentText && prev?.consentVersion
          ? prev.consentVersion
          : (prev?.consentVersion ?? 0) + 1
        : null;
    const data = {
      type: f.type,
      label: f.label,
      placeholder: f.placeholder,
      required: f.type === 'email' ? true : f.required,
      position,
      options: f.type === 'select' || f.type === 'radio' ? f.options : [],
      minLength: f.minLength,
      maxLength: f.maxLength,
      pattern: f.pattern,
      defaultValue: f.defaultValue,
      queryParam: f.queryParam,
      consentText: f.type === 'consent' ? f.consentText : null,
      consentVersion,
    };
    if (prev) await tx.formField.update({ where: { id: prev.id }, data });
    else await tx.formField.create({ data: { ...data, formId, key: f.key } });
  }
}

async function countsFor(db: Db, workspaceId: string, formIds: string[]) {
  if (!formIds.length) return new Map<string, { count: number; last: Date | null }>();
  const rows = await db.formSubmission.groupBy({
    by: ['formId'],
    where: { workspaceId, formId: { in: formIds }, isSpam: false },
    _count: { _all: true },
    _max: { createdAt: true },
  });
  return new Map(rows.map((r) => [r.formId, { count: r._count._all, last: r._max.createdAt }]));
}

/** Authenticated CRUD of forms and their fields; every query is scoped to auth.workspaceId. */
export function formRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;

  async function load(workspaceId: string, id: string) {
    const form = await db.form.findFirst({ where: { id, workspaceId }, include: { fields: true } });
    if (!form) throw notFound('Form');
    return form;
  }

  async function view(workspaceId: string, id: string) {
    const form = await load(workspaceId, id);
    const counts = await countsFor(db, workspaceId, [id]);
    return formView(form, counts.get(id)?.count ?? 0);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/forms',
      summary: 'Forms of the workspace, newest first',
      tag: 'forms',
      auth: 'any',
      permission: 'read',
      response: z.array(formSummarySchema),
      handler: async ({ auth }) => {
        const forms = await db.form.findMany({
          where: { workspaceId: auth.workspaceId },
          include: { _count: { select: { fields: true } } },
          orderBy: { createdAt: 'desc' },
        });
        const counts = await countsFor(
          db,
          auth.workspaceId,
          forms.map((f) => f.id),
        );
        return forms.map(({ _count, ...f }) => {
          const { fields: _f, ...rest } = formView(
            { ...f, fields: [] },
            counts.get(f.id)?.count ?? 0,
          );
          const last = counts.get(f.id)?.last;
          return { ...rest, fieldCount: _count.fields, lastSubmissionAt: last ? iso(last) : null };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/forms',
      summary: 'Create a form with its fields',
      tag: 'forms',
      auth: 'any',
      permission: 'forms:write',
      body: formBodySchema,
      response: formSchema,
      status: 201,
      handler: async ({ auth, body }) => {
        const form = await db.$transaction(async (tx) => {
          const created = await tx.form.create({
            data: { ...formData(body), workspaceId: auth.workspaceId, publicId: newPublicId() },
          });
          await writeFields(tx, created.id, body.fields);
          return created;
        });
        return view(auth.workspaceId, form.id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/forms/:id',
      summary: 'One form with its fields',
      tag: 'forms',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: formSchema,
      handler: async ({ auth, params }) => view(auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/forms/:id',
      summary: 'Replace a form and its fields',
      tag: 'forms',
      auth: 'any',
      permission: 'forms:write',
      params: idParamSchema,
      body: formBodySchema,
      response: formSchema,
      handler: async ({ auth, params, body }) => {
        await load(auth.workspaceId, params.id);
        await db.$transaction(async (tx) => {
          await tx.form.update({ where: { id: params.id }, data: formData(body) });
          await writeFields(tx, params.id, body.fields);
        });
        return view(auth.workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/forms/:id',
      summary: 'Delete a form (its submissions go with it; leads stay)',
      tag: 'forms',
      auth: 'any',
      permission: 'forms:delete',
      params: idParamSchema,
      status: 204,
      handler: async ({ auth, params }) => {
        const { count } = await db.form.deleteMany({
          where: { id: params.id, workspaceId: auth.workspaceId },
        });
        if (!count) throw notFound('Form');
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/forms/:id/submissions',
      summary: 'Latest submissions of a form (spam included, flagged)',
      tag: 'forms',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: z.array(submissionSchema),
      handler: async ({ auth, params, query }) => {
        await load(auth.workspaceId, params.id);
        const rows = await db.formSubmission.findMany({
          where: { workspaceId: auth.workspaceId, formId: params.id },
          include: { lead: { select: { email: true } } },
          orderBy: { createdAt: 'desc' },
          take: query.limit,
        });
        return rows.map((s) => ({
          id: s.id,
          leadId: s.leadId,
          email: s.lead?.email ?? null,
          data: s.data as Record<string, unknown>,
          isSpam: s.isSpam,
          spamReason: s.spamReason,
          utm: {
            utm_source: s.utmSource,
            utm_medium: s.utmMedium,
            utm_campaign: s.utmCampaign,
            utm_term: s.utmTerm,
            utm_content: s.utmContent,
          },
          referrer: s.referrer,
          pageUrl: s.pageUrl,
          createdAt: iso(s.createdAt),
        }));
      },
    }),
  ];
}
