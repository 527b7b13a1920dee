import { ROLES, roleCan, type Permission, type Role } from '@kindling/shared';

/**
 * Whether `role` may do `permission`: the same matrix the api enforces (packages/shared
 * permissions.ts), so what the UI shows is what the server allows.
 */
export function can(role: Role, permission: Permission): boolean {
  return roleCan(role, permission);
}

/** Owners and admins manage the workspace settings; members and viewers see them read-only. */
export function canManage(role: Role): boolean {
  return roleCan(role, 'settings');
}

/** Roles `actor` may hand out. Only an owner can make (or unmake) another owner. */
export function assignableRoles(actor: Role): Role[] {
  if (actor === 'owner') return [...ROLES];
  if (actor === 'admin') return ROLES.filter((r) => r !== 'owner');
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
  viewer: 'Viewer',
};

export const ROLE_HINT: Record<Role, string> = {
  owner: 'Everything an admin does, plus granting and removing the owner role',
  admin:
    'Settings, members, API keys and sending; launches campaigns, exports and bulk-deletes leads',
  member:
    'Builds forms and campaigns and works with single leads; launching, exports and bulk deletes need an admin',
  viewer: 'Sees leads, forms, campaigns and reports; changes nothing',
};
