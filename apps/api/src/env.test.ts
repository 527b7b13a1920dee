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
    expect(message).toContain('REDIS_URL: must be a redis://, rediss:// or redis+sentinel:// URL');
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

  it('accepts a Sentinel REDIS_URL and names what is wrong with a bad one', () => {
    const base = {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/kindling',
      APP_SECRET: 'x'.repeat(32),
    };
    const url = 'redis+sentinel://s3cret@10.0.0.1:26379,10.0.0.2:26380/kindling/2?waitReplicas=1';
    expect(loadApiEnv({ ...base, REDIS_URL: url }).REDIS_URL).toBe(url);
    expect(() => loadApiEnv({ ...base, REDIS_URL: 'redis+sentinel://10.0.0.1:26379' })).toThrow(
      /REDIS_URL: must look like redis\+sentinel:\/\/\[password@\]host1:port1/,
    );
  });
});
