// Form CRUD. Each route parses, authorises (its permission) and calls one service of
// services/forms/, scoped to auth.workspaceId (another workspace's form is a 404).
import { z } from 'zod';
import {
  formInputSchema,
  formSchema,
  formSummarySchema,
  idParamSchema,
  submissionSchema,
} from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { patternProblem } from '../public/patterns.js';
import { createForm } from '../services/forms/create-form.js';
import { deleteForm } from '../services/forms/delete-form.js';
import { getForm } from '../services/forms/get-form.js';
import { listForms } from '../services/forms/list-forms.js';
import { listSubmissions } from '../services/forms/list-submissions.js';
import { replaceForm } from '../services/forms/replace-form.js';

/** The shared form schema plus the server's rule that a pattern must run in linear time. */
const formBodySchema = formInputSchema.superRefine((f, ctx) => {
  f.fields.forEach((field, i) => {
    const problem = field.pattern ? patternProblem(field.pattern) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['fields', i, 'pattern'], message: problem });
  });
});

/** Authenticated CRUD of forms and their fields; every query is scoped to auth.workspaceId. */
export function formRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;

  return [
    defineRoute({
      method: 'get',
      path: '/api/forms',
      summary: 'Forms of the workspace, newest first',
      tag: 'forms',
      auth: 'any',
      permission: 'read',
      response: z.array(formSummarySchema),
      handler: ({ auth }) => listForms(db, auth.workspaceId),
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
      handler: ({ auth, body }) => createForm(db, auth.workspaceId, body),
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
      handler: ({ auth, params }) => getForm(db, auth.workspaceId, params.id),
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
      handler: ({ auth, params, body }) => replaceForm(db, auth.workspaceId, params.id, body),
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
      handler: ({ auth, params }) => deleteForm(db, auth.workspaceId, params.id),
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
      handler: ({ auth, params, query }) =>
        listSubmissions(db, auth.workspaceId, params.id, query.limit),
    }),
  ];
}
