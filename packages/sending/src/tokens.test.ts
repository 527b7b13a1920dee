import { describe, expect, it } from 'vitest';
import { clickDestination, signToken, verifyToken, type TokenPayload } from './tokens.js';

const WS = '0190a1b2-0000-7000-8000-000000000001';
const MSG = '0190a1b2-0000-7000-8000-000000000002';

const secret = 's'.repeat(32);

describe('tracking tokens', () => {
  it('verifies its own tokens for the right kind only', () => {
    const token = signToken(secret, { k: 'click', w: WS, m: MSG, u: 'https://example.com/a' });
    expect(verifyToken(secret, token, 'click')).toMatchObject({ u: 'https://example.com/a' });
    expect(verifyToken(secret, token, 'open')).toBeNull();
    expect(verifyToken('t'.repeat(32), token, 'click')).toBeNull();
  });

  it('refuses a payload whose ids are not what we sign, even with a good signature', () => {
    for (const bad of [{ w: 'ws' }, { w: WS, m: '\u0000' }, { w: WS, l: 'x' }, { w: 1 }]) {
      const token = signToken(secret, { k: 'open', ...bad } as unknown as TokenPayload);
      expect(verifyToken(secret, token, 'open')).toBeNull();
    }
  });

  it('rejects truncated, tampered and re-targeted tokens', () => {
    const token = signToken(secret, { k: 'click', w: WS, m: MSG, u: 'https://example.com/a' });
    expect(verifyToken(secret, token.slice(0, -2), 'click')).toBeNull();
    const [body, tag] = token.split('.') as [string, string];
    const other = Buffer.from(
      JSON.stringify({ k: 'click', w: WS, m: MSG, u: 'https://evil.example/' }),
    ).toString('base64url');
    expect(verifyToken(secret, `${other}.${tag}`, 'click')).toBeNull();
    expect(verifyToken(secret, `${body}.`, 'click')).toBeNull();
    expect(verifyToken(secret, 'garbage', 'click')).toBeNull();
  });
});

describe('clickDestination', () => {
  it('accepts absolute http(s) URLs only, normalised', () => {
    const dest = (u: string) => clickDestination({ k: 'click', w: WS, u });
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
