import { describe, expect, it } from 'vitest';
import { assignableRoles, canEditMember, canManage } from './roles';

describe('roles', () => {
  it('lets owners and admins manage', () => {
    expect(canManage('owner')).toBe(true);
    expect(canManage('admin')).toBe(true);
    expect(canManage('member')).toBe(false);
  });
  it('limits which roles can be assigned', () => {
    expect(assignableRoles('owner')).toEqual(['owner', 'admin', 'member']);
    expect(assignableRoles('admin')).toEqual(['admin', 'member']);
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
