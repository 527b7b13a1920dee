import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from './tokens.js';

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
