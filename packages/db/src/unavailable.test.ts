import { describe, expect, it } from 'vitest';
import { isDbUnavailable } from './unavailable.js';

describe('isDbUnavailable', () => {
  it('recognises the shapes an unreachable database takes', () => {
    const prisma = Object.assign(new Error('Invalid invocation'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
    });
    for (const err of [
      Object.assign(new Error('x'), { code: 'P1001' }),
      prisma,
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
      new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
    ])
      expect(isDbUnavailable(err), String(err)).toBe(true);
  });

  it('does not mistake data errors for an outage', () => {
    for (const err of [
      Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
        code: '22021',
      }),
      Object.assign(new Error('Unique constraint'), { code: 'P2002' }),
      Object.assign(new Error('x'), {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'postgres', code: '22P05' } } },
      }),
      new Error('boom'),
      null,
      'text',
    ])
      expect(isDbUnavailable(err)).toBe(false);
  });
});
