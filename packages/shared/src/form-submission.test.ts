import { describe, expect, it } from 'vitest';
import { validateSubmission, type PublicField } from './form-submission.js';

const base = {
  placeholder: null,
  options: [],
  minLength: null,
  maxLength: null,
  pattern: null,
  defaultValue: null,
  queryParam: null,
  consentText: null,
  consentVersion: null,
};
const fields: PublicField[] = [
  { ...base, key: 'email', type: 'email', label: 'Email', required: true },
  { ...base, key: 'first_name', type: 'text', label: 'First name', required: true, maxLength: 5 },
  { ...base, key: 'age', type: 'number', label: 'Age', required: false },
  { ...base, key: 'code', type: 'text', label: 'Code', required: false, pattern: '[A-Z]{3}' },
  {
    ...base,
    key: 'plan',
    type: 'select',
    label: 'Plan',
    required: false,
    options: [{ value: 'a', label: 'A' }],
  },
  {
    ...base,
    key: 'gdpr',
    type: 'consent',
    label: 'Consent',
    required: true,
    consentText: 'I agree',
  },
  { ...base, key: 'src', type: 'hidden', label: 'Source', required: false },
];

describe('validateSubmission', () => {
  it('names every missing required field', () => {
    expect(validateSubmission(fields, {})).toEqual({
      ok: false,
      errors: {
        email: 'Enter your email address',
        first_name: 'First name is required',
        gdpr: 'Please tick this box to continue',
      },
    });
  });

  it('gives one readable message per bad field', () => {
    const r = validateSubmission(fields, {
      email: 'x',
      first_name: 'toolong',
      age: 'abc',
      code: 'ab',
      plan: 'z',
      gdpr: 'false',
    });
    expect(r).toEqual({
      ok: false,
      errors: {
        email: 'Enter a valid email address',
        first_name: 'First name must be at most 5 characters',
        age: 'Age must be a number',
        code: 'Code is not in the expected format',
        plan: 'Choose one of the options for Plan',
        gdpr: 'Please tick this box to continue',
      },
    });
  });

  it('normalises urlencoded strings and drops unknown and blank optional keys', () => {
    const r = validateSubmission(fields, {
      email: ' Ann@Example.COM ',
      first_name: 'Ann',
      age: '42',
      code: '',
      plan: 'a',
      gdpr: 'on',
      src: 'ad',
      extra: 'x',
    });
    expect(r).toEqual({
      ok: true,
      data: {
        email: 'ann@example.com',
        first_name: 'Ann',
        age: 42,
        plan: 'a',
        gdpr: true,
        src: 'ad',
      },
    });
  });

  it('rejects a body that is not an object', () => {
    expect(validateSubmission(fields, 'nope')).toEqual({
      ok: false,
      errors: { '(body)': 'Send the form fields as an object' },
    });
  });
});
