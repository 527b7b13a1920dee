import { describe, expect, it } from 'vitest';
import { EnvError } from '@kindling/shared';
import { loadApiEnv } from './env.js';

describe('api environment', () => {
  it('lists every bad variable in one message', () => {
    let error: unknown;
    try {
      loadApiEnv({ PORT: 'eighty', REDIS_URL: 'http://nope', APP_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toContain('DATABASE_URL: required, but not set');
    expect(message).toContain('REDIS_URL: must be a redis or rediss URL');
    expect(message).toContain('APP_SECRET: must be at least 32 characters');
    expect(message).toContain('PORT:');
    expect(message).not.toContain('short'); // secrets are never echoed
  });

  it('applies defaults', () => {
    const env = loadApiEnv({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/kindling',
      REDIS_URL: 'redis://127.0.0.1:6379',
      APP_SECRET: 'x'.repeat(32),
    });
    expect(env.PORT).toBe(3000);
    expect(env.PUBLIC_URL).toBe('http://localhost:3000');
  });
});
