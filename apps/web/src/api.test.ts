import { describe, expect, it } from 'vitest';
import { ApiError, mapErrorToForm, toApiError } from './api';

describe('toApiError', () => {
  it('keeps the code, message and details of a well-formed error body', () => {
    const err = toApiError(422, {
      error: {
        code: 'validation_failed',
        message: 'Check the highlighted fields',
        details: [{ field: 'email', issue: 'Enter a valid email address' }],
      },
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe('Check the highlighted fields');
    expect(err.details).toEqual([{ field: 'email', issue: 'Enter a valid email address' }]);
  });

  it('drops malformed details instead of crashing', () => {
    const err = toApiError(400, {
      error: {
        code: 'bad_request',
        message: 'Bad',
        details: [{ field: 1 }, 'x', { field: 'a', issue: 'b' }],
      },
    });
    expect(err.details).toEqual([{ field: 'a', issue: 'b' }]);
  });

  it('derives the code from the status when the body is not an error envelope', () => {
    expect(toApiError(429, undefined).code).toBe('rate_limited');
    expect(toApiError(404, '<html>').code).toBe('not_found');
    expect(toApiError(502, null).code).toBe('internal');
    expect(toApiError(418, {}).code).toBe('bad_request');
    expect(toApiError(502, null).message).toMatch(/HTTP 502/);
  });
});

describe('mapErrorToForm', () => {
  const fields = ['name', 'email', 'password'] as const;

  it('maps details onto known fields, including dotted paths', () => {
    const err = new ApiError(422, 'validation_failed', 'Invalid', [
      { field: 'email', issue: 'Taken' },
      { field: 'body.password', issue: 'Too short' },
    ]);
    expect(mapErrorToForm(err, fields)).toEqual({
      fields: [
        { field: 'email', message: 'Taken' },
        { field: 'password', message: 'Too short' },
      ],
      formMessage: null,
    });
  });

  it('shows the message at form level when a detail names no visible field', () => {
    const err = new ApiError(422, 'validation_failed', 'Invalid', [
      { field: 'email', issue: 'Taken' },
      { field: 'token', issue: 'Expired' },
    ]);
    const mapped = mapErrorToForm(err, fields);
    expect(mapped.fields).toEqual([{ field: 'email', message: 'Taken' }]);
    expect(mapped.formMessage).toBe('Invalid');
  });

  it('uses the message when there are no details (e.g. 401, 429)', () => {
    const err = new ApiError(429, 'rate_limited', 'Too many attempts, try again in 10 minutes');
    expect(mapErrorToForm(err, fields)).toEqual({
      fields: [],
      formMessage: 'Too many attempts, try again in 10 minutes',
    });
  });

  it('keeps only the first issue per field', () => {
    const err = new ApiError(422, 'validation_failed', 'Invalid', [
      { field: 'password', issue: 'First' },
      { field: 'password', issue: 'Second' },
    ]);
    expect(mapErrorToForm(err, fields).fields).toEqual([{ field: 'password', message: 'First' }]);
  });

  it('handles non-API errors', () => {
    expect(mapErrorToForm(new Error('boom'), fields).formMessage).toBe('boom');
    expect(mapErrorToForm('weird', fields).formMessage).toBe('Something went wrong.');
  });
});
