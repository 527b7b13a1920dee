import { describe, expect, it } from 'vitest';
import { validateSubmission, submissionValidator, type PublicField } from '@kindling/shared';
import { patternProblem, re2Pattern } from './patterns.js';

const field = (over: Partial<PublicField>): PublicField => ({
  key: 'code',
  type: 'text',
  label: 'Code',
  placeholder: null,
  required: true,
  options: [],
  minLength: null,
  maxLength: 10_000,
  pattern: null,
  defaultValue: null,
  queryParam: null,
  consentText: null,
  consentVersion: null,
  ...over,
});

describe('field patterns', () => {
  it('accepts what both RE2 and the browser engine accept, whole-value anchored', () => {
    expect(patternProblem('[A-Z]{2}-\\d{4}')).toBeNull();
    expect(patternProblem('(a+)+b')).toBeNull();
    const m = re2Pattern('[A-Z]{2}-\\d{4}')!;
    expect(m.test('AB-1234')).toBe(true);
    expect(m.test('xAB-1234')).toBe(false);
    expect(m.test('AB-12345')).toBe(false);
    // Alternation is grouped before anchoring, as in the browser.
    expect(re2Pattern('a|b')!.test('ab')).toBe(false);
  });

  it('refuses backreferences, lookarounds and invalid syntax with a message', () => {
    expect(patternProblem('(a)\\1')).toMatch(/cannot be checked safely/);
    expect(patternProblem('(?=a)a')).toMatch(/lookarounds are not supported/);
    expect(patternProblem('(')).toBe('Not a valid regular expression');
    expect(patternProblem('x'.repeat(201))).toBe('At most 200 characters');
  });

  it('runs (a+)+b over 9 999 characters, which the browser engine would never finish', () => {
    const value = 'a'.repeat(9_999);
    const validate = submissionValidator([field({ pattern: '(a+)+b' })], {
      compilePattern: re2Pattern,
    });
    expect(validate({ code: value })).toEqual({
      ok: false,
      errors: { code: 'Code is not in the expected format' },
    });
    expect(validate({ code: `${value}b` })).toEqual({ ok: true, data: { code: `${value}b` } });
  });

  it('checks the length before the pattern: a too-long value never reaches the engine', () => {
    const seen: string[] = [];
    const validate = submissionValidator([field({ pattern: 'a+', maxLength: 5 })], {
      compilePattern: () => ({ test: (v) => (seen.push(v), true) }),
    });
    expect(validate({ code: 'aaaaaa' })).toEqual({
      ok: false,
      errors: { code: 'Code must be at most 5 characters' },
    });
    expect(seen).toEqual([]);
    expect(validateSubmission([field({ pattern: 'a+', maxLength: 5 })], { code: 'aaaaa' }).ok).toBe(
      true,
    );
  });

  it('a stored pattern RE2 refuses matches nothing rather than everything', () => {
    expect(re2Pattern('(a)\\1')!.test('aa')).toBe(false);
  });
});
