// The role matrix, written once: the api enforces it from each route's declared permission, the
// web app reads the same table to hide what a role cannot do, and the OpenAPI document prints it.
import { z } from 'zod';
import type { Role } from './auth.js';

/** Higher ranks include everything lower ranks may do. */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** True when `role` is at least `min`. */
export function hasRole(role: Role, min: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

export const API_KEY_SCOPES = [
  'read',
  'leads:write',
  'forms:write',
  'campaigns:write',
  'send',
  'admin',
] as const;
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/**
 * What each API-key scope covers and the lowest role that may hold a key with it. `admin`
 * includes every other scope; the others are independent (a writing key usually wants `read`).
 */
export const SCOPES: Record<ApiKeyScope, { minRole: Role; label: string }> = {
  read: { minRole: 'viewer', label: 'Read leads, forms, campaigns, reports and settings' },
  'leads:write': { minRole: 'member', label: 'Create, edit, tag, import and erase leads' },
  'forms:write': { minRole: 'member', label: 'Create and edit forms' },
  'campaigns:write': { minRole: 'member', label: 'Create and edit campaigns, pause them' },
  send: { minRole: 'admin', label: 'Launch campaigns and enroll leads (mail goes out)' },
  admin: { minRole: 'admin', label: 'Everything, including settings and sending identities' },
};

/**
 * Every action a route can require: the lowest role (a session) and the scope (an API key,
 * whose creator must also hold the role). Destructive whole-set actions and anything that
 * makes mail go out need an admin; members build forms and campaigns and work with leads.
 */
export const PERMISSIONS = {
  read: { role: 'viewer', scope: 'read', label: 'See leads, forms, campaigns and reports' },
  'leads:write': {
    role: 'member',
    scope: 'leads:write',
    label: 'Add, edit, tag, import and erase single leads',
  },
  'leads:bulk-destructive': {
    role: 'admin',
    scope: 'leads:write',
    label: 'Delete or unsubscribe more than one lead at once',
  },
  'leads:export': { role: 'admin', scope: 'read', label: 'Export the whole lead set as CSV' },
  'forms:write': { role: 'member', scope: 'forms:write', label: 'Create and edit forms' },
  'forms:delete': {
    role: 'admin',
    scope: 'forms:write',
    label: 'Delete a form with its submissions',
  },
  'campaigns:write': {
    role: 'member',
    scope: 'campaigns:write',
    label: 'Create, edit, preview, test and pause campaigns',
  },
  'campaigns:send': {
    role: 'admin',
    scope: 'send',
    label: 'Launch, resume and archive campaigns, enroll leads',
  },
  'api-keys:own': {
    role: 'viewer',
    scope: 'admin',
    label: 'Create API keys within your own role, revoke your own',
  },
  settings: {
    role: 'admin',
    scope: 'admin',
    label: 'Workspace settings, sending identities, warm-up, members and API keys',
  },
} as const satisfies Record<string, { role: Role; scope: ApiKeyScope; label: string }>;
export type Permission = keyof typeof PERMISSIONS;

/** Whether a signed-in member with `role` may do `permission`. */
export function roleCan(role: Role, permission: Permission): boolean {
  return hasRole(role, PERMISSIONS[permission].role);
}

/** Whether a key with `scopes` covers `permission` (its creator's role is checked apart). */
export function scopesCover(scopes: readonly string[], permission: Permission): boolean {
  return scopes.includes('admin') || scopes.includes(PERMISSIONS[permission].scope);
}

/** Scopes a member with `role` may put on a new key: never more than the role itself. */
export function grantableScopes(role: Role): ApiKeyScope[] {
  return API_KEY_SCOPES.filter((s) => hasRole(role, SCOPES[s].minRole));
}
