import { describe, expect, it } from 'vitest';
import { forwardedClientIp, normalizeIp } from './client-ip.js';

describe('client address', () => {
  it('takes X-Forwarded-For only as far as proxies are trusted', () => {
    expect(forwardedClientIp('::ffff:10.0.0.2', '1.1.1.1, 203.0.113.9', 0)).toBe('10.0.0.2');
    expect(forwardedClientIp('10.0.0.2', '1.1.1.1, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(forwardedClientIp('10.0.0.2', '1.1.1.1, 203.0.113.9', 2)).toBe('1.1.1.1');
    expect(forwardedClientIp('10.0.0.2', '1.1.1.1, 203.0.113.9', 5)).toBe('1.1.1.1');
    expect(forwardedClientIp('10.0.0.2', ['1.1.1.1', '203.0.113.9'], 1)).toBe('203.0.113.9');
    expect(forwardedClientIp('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
    expect(forwardedClientIp('10.0.0.2', ' , ', 1)).toBe('10.0.0.2');
    expect(forwardedClientIp(undefined, undefined, 0)).toBeNull();
  });

  it('normalises every address the same way, from the socket or the header', () => {
    expect(forwardedClientIp('10.0.0.2', '::FFFF:203.0.113.9', 1)).toBe('203.0.113.9');
    expect(forwardedClientIp('::ffff:127.0.0.1', undefined, 1)).toBe('127.0.0.1');
    expect(normalizeIp('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp(' 198.51.100.7 ')).toBe('198.51.100.7');
    expect(normalizeIp('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(normalizeIp('2001:db8::ffff:1')).toBe('2001:db8::ffff:1');
  });
});
