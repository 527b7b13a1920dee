import { describe, expect, it } from 'vitest';
import { hasControlChars, parseVerp, sanitizeHeaderValue, verpAddress } from './index.js';

describe('header values', () => {
  it('strips CR/LF so a merge value cannot inject headers', () => {
    const evil = 'Hello\r\nBcc: victim@example.com';
    expect(hasControlChars(evil)).toBe(true);
    expect(sanitizeHeaderValue(evil)).toBe('Hello Bcc: victim@example.com');
    expect(hasControlChars(sanitizeHeaderValue(evil))).toBe(false);
  });
});

describe('VERP', () => {
  it('round-trips a token through the return path', () => {
    const addr = verpAddress('m_0123abcd', 'Bounce.Example.com');
    expect(addr).toBe('bounces+m_0123abcd@bounce.example.com');
    expect(parseVerp(`<${addr}>`, 'bounce.example.com')).toBe('m_0123abcd');
    expect(parseVerp(addr, 'other.example')).toBeNull();
    expect(parseVerp('someone@example.com')).toBeNull();
  });

  it('refuses tokens that would break the address', () => {
    expect(() => verpAddress('a@b', 'x.example')).toThrow();
  });
});
