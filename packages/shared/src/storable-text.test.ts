import { describe, expect, it } from 'vitest';
import { findUnstorableText, unstorableTextReason } from './storable-text.js';

describe('storable text', () => {
  it('accepts ordinary text, emoji (surrogate pairs) and other unicode', () => {
    for (const s of ['', 'plain', 'Zoë', '日本語', '👍🏽 ok', '\uffff\ufffe', 'tab\tnew\nline'])
      expect(unstorableTextReason(s)).toBeNull();
  });

  it('refuses NUL and lone surrogates wherever they are in a string', () => {
    for (const s of ['a\u0000b', '\u0000', '\ud800', 'x\ud800y', '\udc00', 'a\udfffb', '👍\ud83d'])
      expect(unstorableTextReason(s)).toMatch(/cannot be stored/);
    expect(unstorableTextReason('a\u0000')).toMatch(/NUL/);
    expect(unstorableTextReason('\udc00\ud800')).toMatch(/surrogate/);
  });

  it('finds the first offending value or key, nested, with its path', () => {
    expect(findUnstorableText({ a: 'ok', b: [1, { c: 'x\u0000' }] })).toMatchObject({
      path: ['b', 1, 'c'],
      field: 'b.1.c',
    });
    expect(findUnstorableText({ ok: { 'k\ud800': 1 } })).toMatchObject({
      field: 'ok.k\ud800',
      issue: expect.stringMatching(/^field name/),
    });
    expect(findUnstorableText('\u0000')).toMatchObject({ path: [], field: '(body)' });
    expect(findUnstorableText({ n: 1, t: true, z: null, s: ['fine'] })).toBeNull();
    expect(findUnstorableText(undefined)).toBeNull();
  });
});
