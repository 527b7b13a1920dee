// Workspace settings, members, invites and API keys. Each route parses, authorises (its
// permission) and calls one service of services/workspace/, scoped to auth.workspaceId.
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
} from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { changeMemberRole } from '../services/workspace/change-member-role.js';
import { createApiKey } from '../services/workspace/create-api-key.js';
import { createInvite } from '../services/workspace/create-invite.js';
import { getWorkspace } from '../services/workspace/get-workspace.js';
import { listApiKeys } from '../services/workspace/list-api-keys.js';
import { listInvites } from '../services/workspace/list-invites.js';
import { listMembers } from '../services/workspace/list-members.js';
import { removeDemoData } from '../services/workspace/remove-demo-data.js';
import { removeMember } from '../services/workspace/remove-member.js';
import { revokeApiKey } from '../services/workspace/revoke-api-key.js';
import { revokeInvite } from '../services/workspace/revoke-invite.js';
import { updateWorkspace } from '../services/workspace/update-workspace.js';

/** Workspace settings, members, invites and API keys. */
export function workspaceRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspace',
      summary: 'The current workspace',
      tag: 'workspace',
      auth: 'any',
      permission: 'read',
      response: workspaceSchema,
      handler: ({ auth }) => getWorkspace(db, auth.workspaceId),
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
      handler: ({ auth, body }) => updateWorkspace(db, auth.workspaceId, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspace/demo-data',
      summary:
        "Remove the demo's leads, forms, campaigns, mail and sending setup from this workspace",
      tag: 'workspace',
      auth: 'session',
      permission: 'settings',
      response: workspaceSchema,
      handler: ({ auth }) => removeDemoData(db, auth.workspaceId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/members',
      summary: 'Members of the workspace',
      tag: 'workspace',
      auth: 'session',
      permission: 'read',
      response: z.array(memberSchema),
      handler: ({ auth }) => listMembers(db, auth.workspaceId),
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
      handler: ({ auth, params, body }) =>
        changeMemberRole(db, auth.workspaceId, auth.role, params.id, body.role),
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
      handler: ({ auth, params }) => removeMember(db, auth.workspaceId, auth.role, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/invites',
      summary: 'Pending invites',
      tag: 'workspace',
      auth: 'session',
      permission: 'read',
      response: z.array(inviteSchema),
      handler: ({ auth }) => listInvites(db, auth.workspaceId),
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
      handler: ({ auth, body }) =>
        createInvite(deps, auth.workspaceId, auth.userId, {
          email: body.email ?? null,
          role: body.role,
        }),
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
      handler: ({ auth, params }) => revokeInvite(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/api-keys',
      summary: 'API keys of the workspace',
      tag: 'workspace',
      auth: 'session',
      permission: 'read',
      response: z.array(apiKeySchema),
      handler: ({ auth }) => listApiKeys(db, auth.workspaceId),
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
      handler: ({ auth, body }) => createApiKey(db, auth.workspaceId, auth, body),
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
      handler: ({ auth, params }) => revokeApiKey(db, auth.workspaceId, auth, params.id),
    }),
  ];
}
