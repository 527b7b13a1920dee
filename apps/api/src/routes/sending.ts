// Sending identities, warm-up plans with reputation, the dev mail catcher's Outbox, test sends,
// and (sending-review.ts) the messages awaiting review. Each route parses, authorises (its
// permission) and calls one service of services/sending/, scoped to auth.workspaceId. Secrets
// (SMTP URL, DKIM private key) are stored encrypted and never returned: the SMTP URL comes back
// with its password masked.
import { z } from 'zod';
import {
  caughtMessageSchema,
  caughtMessageSummarySchema,
  createIdentitySchema,
  idParamSchema,
  identitySchema,
  sendTestResultSchema,
  sendTestSchema,
  updateIdentitySchema,
  updateWarmupSchema,
  warmupPlanSchema,
} from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { checkIdentityDnsNow } from '../services/sending/check-identity-dns.js';
import { createIdentity } from '../services/sending/create-identity.js';
import { deleteIdentity } from '../services/sending/delete-identity.js';
import { getCaughtMessage } from '../services/sending/get-caught-message.js';
import { listCaughtMessages } from '../services/sending/list-caught-messages.js';
import { listIdentities } from '../services/sending/list-identities.js';
import { listWarmupPlans } from '../services/sending/list-warmup-plans.js';
import { resumeIdentity } from '../services/sending/resume-identity.js';
import { resumeWarmupPlan } from '../services/sending/resume-warmup-plan.js';
import { rotateDkim } from '../services/sending/rotate-dkim.js';
import { sendTestMessage } from '../services/sending/send-test-message.js';
import { updateIdentity } from '../services/sending/update-identity.js';
import { updateWarmupPlan } from '../services/sending/update-warmup-plan.js';
import { reviewRoutes } from './sending-review.js';

/** Sending identities, warm-up, reputation, Outbox and test sends. */
export function sendingRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/sending/identities',
      summary: 'Sending identities',
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      response: z.array(identitySchema),
      handler: ({ auth }) => listIdentities(deps, auth.workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/identities',
      summary: 'Create a sending identity (optionally generating its DKIM key pair)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      body: createIdentitySchema,
      response: identitySchema,
      status: 201,
      handler: ({ auth, body }) => createIdentity(deps, auth.workspaceId, body),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/sending/identities/:id',
      summary: 'Change a sending identity (an empty smtpUrl switches to the dev mail catcher)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      body: updateIdentitySchema,
      response: identitySchema,
      handler: ({ auth, params, body }) => updateIdentity(deps, auth.workspaceId, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/identities/:id/dkim',
      summary: 'Generate a new DKIM key pair (publish the new TXT record before sending)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      response: identitySchema,
      handler: ({ auth, params }) => rotateDkim(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/identities/:id/dns-check',
      summary: "Check the identity's SPF, DKIM, DMARC, return-path MX and tracking host now",
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      response: identitySchema,
      handler: ({ auth, params }) => checkIdentityDnsNow(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/identities/:id/resume',
      summary: 'Resume a paused identity',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      response: identitySchema,
      handler: ({ auth, params }) => resumeIdentity(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/sending/identities/:id',
      summary: 'Delete a sending identity',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      status: 204,
      handler: ({ auth, params }) => deleteIdentity(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/sending/warmup',
      summary: "Warm-up plans: day N, today's cap and use, held mail, reputation",
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      response: z.array(warmupPlanSchema),
      handler: ({ auth }) => listWarmupPlans(deps, auth.workspaceId),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/sending/warmup/:id',
      summary: 'Edit a warm-up plan (curve, explicit schedule, provider shares, hours, thresholds)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      body: updateWarmupSchema,
      response: warmupPlanSchema,
      handler: ({ auth, params, body }) =>
        updateWarmupPlan(deps, auth.workspaceId, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/warmup/:id/resume',
      summary: 'Resume sending on a pool or domain the reputation guard paused',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      response: warmupPlanSchema,
      handler: ({ auth, params }) => resumeWarmupPlan(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/sending/outbox',
      summary: 'Messages caught by the built-in dev mail catcher, newest first',
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: z.array(caughtMessageSummarySchema),
      handler: ({ auth, query }) => listCaughtMessages(db, auth.workspaceId, query.limit),
    }),
    defineRoute({
      method: 'get',
      path: '/api/sending/outbox/:id',
      summary: 'One caught message: headers, HTML and text parts, raw source',
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: caughtMessageSchema,
      handler: ({ auth, params }) => getCaughtMessage(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/test',
      summary: 'Send a test message through an identity (or the dev mail catcher)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      body: sendTestSchema,
      response: sendTestResultSchema,
      status: 202,
      handler: ({ auth, body }) => sendTestMessage(deps, auth.workspaceId, body),
    }),
    ...reviewRoutes(deps),
  ];
}
