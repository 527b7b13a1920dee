import { describe, expect, it } from 'vitest';
import { clickDestination, signToken, verifyToken } from './tokens.js';

const secret = 's'.repeat(32);

describe('tracking tokens', () => {
  it('verifies its own tokens for the right kind only', () => {
    const token = signToken(secret, { k: 'click', w: 'ws', m: 'msg', u: 'https://example.com/a' });
    expect(verifyToken(secret, token, 'click')).toMatchObject({ u: 'https://example.com/a' });
    expect(verifyToken(secret, token, 'open')).toBeNull();
    expect(verifyToken('t'.repeat(32), token, 'click')).toBeNull();
  });

  it('rejects truncated, tampered and re-targeted tokens', () => {
    const token = signToken(secret, { k: 'click', w: 'ws', m: 'msg', u: 'https://example.com/a' });
    expect(verifyToken(secret, token.slice(0, -2), 'click')).toBeNull();
    const [body, tag] = token.split('.') as [string, string];
    const other = Buffer.from(
      JSON.stringify({ k: 'click', w: 'ws', m: 'msg', u: 'https://evil.example/' }),
    ).toString('base64url');
    expect(verifyToken(secret, `${other}.${tag}`, 'click')).toBeNull();
    expect(verifyToken(secret, `${body}.`, 'click')).toBeNull();
    expect(verifyToken(secret, 'garbage', 'click')).toBeNull();
  });
});

describe('clickDestination', () => {
  it('accepts absolute http(s) URLs only, normalised', () => {
    const dest = (u: string) => clickDestination({ k: 'click', w: 'ws', u });
    expect(dest('https://example.com/a?b=1#c')).toBe('https://example.com/a?b=1#c');
    expect(dest('HTTP://Example.com')).toBe('http://example.com/');
    for (const bad of [
      '//evil.example',
      '\\\\evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      'data:text/html,x',
      'ftp://x.example',
      'https:///evil',
      'https:\\\\evil.example',
      'evil.example',
      '',
    ]) {
      expect(dest(bad)).toBeNull();
    }
  });
});
