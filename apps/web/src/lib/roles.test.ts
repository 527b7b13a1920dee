import { describe, expect, it } from 'vitest';
import { assignableRoles, can, canEditMember, canManage } from './roles';

describe('roles', () => {
  it('lets owners and admins manage', () => {
    expect(canManage('owner')).toBe(true);
    expect(canManage('admin')).toBe(true);
    expect(canManage('member')).toBe(false);
    expect(canManage('viewer')).toBe(false);
  });
  it('makes the hints true: members build forms and campaigns, admins launch and export', () => {
    expect(can('member', 'forms:write')).toBe(true);
    expect(can('member', 'campaigns:write')).toBe(true);
    expect(can('member', 'campaigns:send')).toBe(false);
    expect(can('member', 'leads:export')).toBe(false);
    expect(can('member', 'leads:bulk-destructive')).toBe(false);
    expect(can('admin', 'leads:export')).toBe(true);
    expect(can('viewer', 'read')).toBe(true);
    expect(can('viewer', 'leads:write')).toBe(false);
  });
  it('limits which roles can be assigned', () => {
    expect(assignableRoles('owner')).toEqual(['owner', 'admin', 'member', 'viewer']);
    expect(assignableRoles('admin')).toEqual(['admin', 'member', 'viewer']);
    expect(assignableRoles('member')).toEqual([]);
  });
  it('protects owners from admins and everyone from editing themselves', () => {
    expect(canEditMember('admin', 'owner', false)).toBe(false);
    expect(canEditMember('admin', 'member', false)).toBe(true);
    expect(canEditMember('owner', 'owner', false)).toBe(true);
    expect(canEditMember('owner', 'member', true)).toBe(false);
    expect(canEditMember('member', 'member', false)).toBe(false);
  });
});
