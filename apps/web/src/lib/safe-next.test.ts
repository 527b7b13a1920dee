import { describe, expect, it } from 'vitest';
import { loginPathFor, safeNext } from './safe-next';

describe('safeNext', () => {
  it('accepts in-app paths with query and hash', () => {
    expect(safeNext('/settings/members')).toBe('/settings/members');
    expect(safeNext('/leads?status=new#top')).toBe('/leads?status=new#top');
  });

  it('falls back for empty, external and protocol-relative targets', () => {
    for (const bad of [
      null,
      undefined,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/a\nb',
    ]) {
      expect(safeNext(bad)).toBe('/overview');
    }
  });

  it('never sends a user back to an auth page', () => {
    expect(safeNext('/login?next=/x')).toBe('/overview');
    expect(safeNext('/signup', '/')).toBe('/');
  });
});

describe('loginPathFor', () => {
  it('encodes the requested location', () => {
    expect(loginPathFor('/settings/api-keys', '?a=1')).toBe(
      '/login?next=%2Fsettings%2Fapi-keys%3Fa%3D1',
    );
  });
  it('omits next for the root', () => {
    expect(loginPathFor('/')).toBe('/login');
  });
});
