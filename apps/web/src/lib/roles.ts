import type { Role } from '@kindling/shared';

/** Owners and admins manage the workspace; members see settings read-only. */
export function canManage(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/** Roles `actor` may hand out. Only an owner can make (or unmake) another owner. */
export function assignableRoles(actor: Role): Role[] {
  if (actor === 'owner') return ['owner', 'admin', 'member'];
  if (actor === 'admin') return ['admin', 'member'];
  return [];
}

/** Whether `actor` may change the role of, or remove, a member holding `target`. */
export function canEditMember(actor: Role, target: Role, isSelf: boolean): boolean {
  if (isSelf) return false;
  if (actor === 'owner') return true;
  return actor === 'admin' && target !== 'owner';
}

export const ROLE_LABEL: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
};

export const ROLE_HINT: Record<Role, string> = {
  owner: 'Full access, including billing-level settings and other owners',
  admin: 'Manage settings, members, API keys and sending',
  member: 'Build forms and campaigns; settings are read-only',
};
