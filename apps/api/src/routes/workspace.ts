import { z } from 'zod';
import {
  apiKeySchema,
  createApiKeySchema,
  createInviteSchema,
  createdApiKeySchema,
  createdInviteSchema,
  idParamSchema,
  inviteSchema,
  memberSchema,
  updateMemberSchema,
  updateWorkspaceSchema,
  workspaceSchema,
  API_KEY_SCOPES,
  grantableScopes,
  roleCan,
  type ApiKeyScope,
} from '@kindling/shared';
import type { ApiKey, Invite, User } from '@kindling/db';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute, hasRole, type AnyRoute } from '../http/route.js';
import { randomToken, sha256 } from '../auth/tokens.js';
import { API_KEY_PREFIX } from '../auth/authenticate.js';

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const inviteView = (i: Invite) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expiresAt: i.expiresAt.toISOString(),
  acceptedAt: iso(i.acceptedAt),
  createdAt: i.createdAt.toISOString(),
});

type KeyRow = ApiKey & { createdBy: Pick<User, 'id' | 'name' | 'email'> | null };

const apiKeyView = (k: KeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes.filter((s): s is ApiKeyScope =>
    (API_KEY_SCOPES as readonly string[]).includes(s),
  ),
  createdBy: k.createdBy
    ? { id: k.createdBy.id, name: k.createdBy.name, email: k.createdBy.email }
    : null,
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
  createdAt: k.createdAt.toISOString(),
});

/** Workspace settings, members, invites and API keys; every query is scoped to auth.workspaceId. */
export function workspaceRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;

  async function ownerCount(workspaceId: string) {
    return db.membership.count({ where: { workspaceId, role: 'owner' } });
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/workspace',
      summary: 'The current workspace',
      tag: 'workspace',
      auth: 'any',
      permission: 'read',
      response: workspaceSchema,
      handler: async ({ auth }) => {
        const w = await db.workspace.findUniqueOrThrow({ where: { id: auth.workspaceId } });
        return { id: w.id, name: w.name, timeZone: w.timeZone, postalAddress: w.postalAddress };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspace',
      summary: 'Rename the workspace, set its time zone and postal address',
      tag: 'workspace',
      auth: 'any',
      permission: 'settings',
      body: updateWorkspaceSchema,
      response: workspaceSchema,
      handler: async ({ auth, body }) => {
        const w = await db.workspace.update({ where: { id: auth.workspaceId }, data: body });
        return { id: w.id, name: w.name, timeZone: w.timeZone, postalAddress: w.postalAddress };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/members',
      summary: 'Members of the workspace',
      tag: 'workspace',
      auth: 'session',
      permission: 'read',
      response: z.array(memberSchema),
      handler: async ({ auth }) => {
        const rows = await db.membership.findMany({
          where: { workspaceId: auth.workspaceId },
          include: { user: true },
          orderBy: { createdAt: 'asc' },
        });
        return rows.map((m) => ({
          id: m.id,
          userId: m.userId,
          name: m.user.name,
          email: m.user.email,
          role: m.role,
          createdAt: m.createdAt.toISOString(),
        }));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/members/:id',
      summary: "Change a member's role",
      tag: 'workspace',
      auth: 'session',
      permission: 'settings',
      params: idParamSchema,
      body: updateMemberSchema,
      response: memberSchema,
      handler: async ({ auth, params, body }) => {
        const m = await db.membership.findFirst({
          where: { id: params.id, workspaceId: auth.workspaceId },
          include: { user: true },
        });
        if (!m) throw notFound('Member');
        if ((body.role === 'owner' || m.role === 'owner') && !hasRole(auth.role, 'owner')) {
          throw new AppError('forbidden', 'Only an owner can grant or take away the owner role');
        }
        if (
          m.role === 'owner' &&
          body.role !== 'owner' &&
          (await ownerCount(auth.workspaceId)) <= 1
        ) {
          throw new AppError('conflict', 'A workspace needs at least one owner');
        }
        const updated = await db.membership.update({
          where: { id: m.id },
          data: { role: body.role },
        });
        return {
          id: m.id,
          userId: m.userId,
          name: m.user.name,
          email: m.user.email,
          role: updated.role,
          createdAt: m.createdAt.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/members/:id',
      summary: 'Remove a member from the workspace',
      tag: 'workspace',
      auth: 'session',
      permission: 'settings',
      params: idParamSchema,
      status: 204,
      handler: async ({ auth, params }) => {
        const m = await db.membership.findFirst({
          where: { id: params.id, workspaceId: auth.workspaceId },
        });
        if (!m) throw notFound('Member');
        if (m.role === 'owner' && !hasRole(auth.role, 'owner')) {
          throw new AppError('forbidden', 'Only an owner can remove an owner');
        }
        if (m.role === 'owner' && (await ownerCount(auth.workspaceId)) <= 1) {
          throw new AppError('conflict', 'A workspace needs at least one owner');
        }
        await db.$transaction([
          db.membership.delete({ where: { id: m.id } }),
          db.session.deleteMany({ where: { userId: m.userId, workspaceId: auth.workspaceId } }),
        ]);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/invites',
      summary: 'Pending invites',
      tag: 'workspace',
      auth: 'session',
      permission: 'read',
      response: z.array(inviteSchema),
      handler: async ({ auth }) => {
        const rows = await db.invite.findMany({
          where: {
            workspaceId: auth.workspaceId,
            acceptedAt: null,
            revokedAt: null,
            expiresAt: { gt: new Date() },
          },
          orderBy: { createdAt: 'desc' },
        });
        return rows.map(inviteView);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/invites',
      summary: 'Invite someone by link with a role (the link is shown once)',
      tag: 'workspace',
      auth: 'session',
      permission: 'settings',
      body: createInviteSchema,
      response: createdInviteSchema,
      status: 201,
      handler: async ({ auth, body }) => {
        const token = randomToken();
        const invite = await db.invite.create({
          data: {
            workspaceId: auth.workspaceId,
            email: body.email ?? null,
            role: body.role,
            tokenHash: sha256(token),
            invitedById: auth.userId,
            expiresAt: new Date(Date.now() + INVITE_TTL_MS),
          },
        });
        return { ...inviteView(invite), url: `${deps.config.publicUrl}/invite/${token}` };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/invites/:id',
      summary: 'Revoke an invite',
      tag: 'workspace',
      auth: 'session',
      permission: 'settings',
      params: idParamSchema,
      status: 204,
      handler: async ({ auth, params }) => {
        const { count } = await db.invite.updateMany({
          where: {
            id: params.id,
            workspaceId: auth.workspaceId,
            acceptedAt: null,
            revokedAt: null,
          },
          data: { revokedAt: new Date() },
        });
        if (count === 0) throw notFound('Invite');
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/api-keys',
      summary: 'API keys of the workspace',
      tag: 'workspace',
      auth: 'session',
      permission: 'read',
      response: z.array(apiKeySchema),
      handler: async ({ auth }) => {
        const rows = await db.apiKey.findMany({
          where: { workspaceId: auth.workspaceId },
          include: { createdBy: true },
          orderBy: { createdAt: 'desc' },
        });
        return rows.map(apiKeyView);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/api-keys',
      summary: 'Create an API key (the key is shown once, stored hashed)',
      tag: 'workspace',
      auth: 'session',
      permission: 'api-keys:own',
      body: createApiKeySchema,
      response: createdApiKeySchema,
      status: 201,
      handler: async ({ auth, body }) => {
        const allowed = grantableScopes(auth.role);
        const beyond = body.scopes.filter((s) => !allowed.includes(s));
        if (beyond.length) {
          throw new AppError(
            'forbidden',
            `A key cannot do more than its creator: your ${auth.role} role cannot grant ${beyond.join(', ')}`,
            [{ field: 'scopes', issue: `Not allowed for ${auth.role}: ${beyond.join(', ')}` }],
          );
        }
        const key = randomToken(API_KEY_PREFIX);
        const row = await db.apiKey.create({
          data: {
            workspaceId: auth.workspaceId,
            name: body.name,
            prefix: key.slice(0, 10),
            keyHash: sha256(key),
            scopes: body.scopes,
            createdById: auth.userId,
          },
          include: { createdBy: true },
        });
        return { ...apiKeyView(row), key };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/api-keys/:id',
      summary: 'Revoke an API key',
      tag: 'workspace',
      auth: 'session',
      permission: 'api-keys:own',
      params: idParamSchema,
      status: 204,
      handler: async ({ auth, params }) => {
        const key = await db.apiKey.findFirst({
          where: { id: params.id, workspaceId: auth.workspaceId, revokedAt: null },
        });
        if (!key) throw notFound('API key');
        if (key.createdById !== auth.userId && !roleCan(auth.role, 'settings')) {
          throw new AppError('forbidden', 'Only an admin can revoke a key someone else made');
        }
        await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
        return undefined;
      },
    }),
  ];
}
