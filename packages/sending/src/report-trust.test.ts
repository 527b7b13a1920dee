import { describe, expect, it } from 'vitest';
import { proveReport } from './report-trust.js';
import { verpTokenFor } from './verp.js';

const secret = 's'.repeat(40);
const a = '01937f2a-7b1c-7d4e-8f00-0123456789ab';
const b = '01937f2a-7b1c-7d4e-8f00-0123456789ac';
const tok = (id: string) => verpTokenFor(secret, id);

describe('proveReport', () => {
  it('finds our signed token in a return path, an address in brackets or a bare header value', () => {
    for (const carrier of [
      `bounces+${tok(a)}@bounce.example`,
      `<bounces+${tok(a)}@bounce.example>`,
      `unsubscribe+${tok(a)}@bounce.example`,
      tok(a),
    ])
      expect(proveReport(secret, [null, carrier])).toEqual({ verified: true, messageId: a });
  });

  it('refuses a bare id, a token signed with another secret, a tampered tag and conflicting messages', () => {
    expect(proveReport(secret, [a, null, undefined, 'fbl@x.example'])).toEqual({
      verified: false,
      reason: 'no_token',
    });
    expect(proveReport(secret, [verpTokenFor('t'.repeat(40), a)])).toEqual({
      verified: false,
      reason: 'bad_signature',
    });
    const t = tok(a);
    const tampered = `${t.slice(0, 41)}${t.endsWith('x') ? 'y' : 'x'}`;
    expect(proveReport(secret, [`bounces+${tampered}@x`])).toEqual({
      verified: false,
      reason: 'bad_signature',
    });
    expect(proveReport(secret, [tok(a), `bounces+${tok(b)}@x`])).toEqual({
      verified: false,
      reason: 'conflicting_tokens',
    });
    // One proven message beside a broken token: only that message's recipient can be affected.
    expect(proveReport(secret, [tampered, tok(b)])).toEqual({ verified: true, messageId: b });
  });
});
