import { describe, expect, it } from 'vitest';
import { isEmailAddress } from './email.js';
import { emailSchema } from './auth.js';
import { validateSubmission, type PublicField } from './form-submission.js';

const VALID = [
  'ann@example.com',
  'Ann.Lee+news@Example.CO.uk',
  "o'brien@example.ie",
  'a_b-c!#$%&*/=?^`{|}~@mail.example.org',
  'jörg@müller.de',
  'user@xn--mller-kva.de',
  'x@sub-domain.example.travel',
  `${'l'.repeat(64)}@example.com`,
];
const INVALID = [
  '',
  'plain',
  '@example.com',
  'ann@',
  'ann@example',
  'ann@@example.com',
  'a@b@example.com',
  'ann@example.c',
  'ann@example.123',
  'ann@-example.com',
  'ann@example-.com',
  'ann@exa_mple.com',
  'ann@[192.0.2.1]',
  'ann@192.0.2.1',
  '.ann@example.com',
  'ann.@example.com',
  'an..n@example.com',
  'ann lee@example.com',
  '"ann"@example.com',
  'ann<x>@example.com',
  'ann,bob@example.com',
  'ann@exa mple.com',
  'ann\u0000@example.com',
  `${'l'.repeat(65)}@example.com`,
  `ann@${'d'.repeat(250)}.com`,
];

const emailField: PublicField = {
  key: 'email',
  type: 'email',
  label: 'Email',
  placeholder: null,
  required: true,
  options: [],
  minLength: null,
  maxLength: null,
  pattern: null,
  defaultValue: null,
  queryParam: null,
  consentText: null,
  consentVersion: null,
};

describe('the one email rule', () => {
  it.each(VALID)('accepts %s everywhere', (v) => {
    expect(isEmailAddress(v)).toBe(true);
    expect(emailSchema.safeParse(v).success).toBe(true);
    expect(validateSubmission([emailField], { email: v }).ok).toBe(true);
  });
  it.each(INVALID)('refuses %j everywhere', (v) => {
    expect(isEmailAddress(v)).toBe(false);
    expect(emailSchema.safeParse(v).success).toBe(false);
    expect(validateSubmission([emailField], { email: v }).ok).toBe(false);
  });
  it('refuses long near-misses', () => {
    for (const v of [`${'a.'.repeat(120)}@`, `a@${'a-'.repeat(120)}`, `a@${'a.'.repeat(125)}`])
      expect(isEmailAddress(v)).toBe(false);
  });
});
