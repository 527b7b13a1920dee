import { describe, expect, it } from 'vitest';
import { describeUrl, parseRedisUrl, redisUrlProblem } from './redis.js';

describe('REDIS_URL', () => {
  it('reads a Sentinel URL: sentinels, master name, db, passwords, waitReplicas', () => {
    const t = parseRedisUrl(
      'redis+sentinel://:p%40ss@10.0.0.1:26379,[::1]:26380,sentinel-3/kindling/3?sentinelPassword=sp&waitReplicas=1',
    );
    expect(t.url).toBeNull();
    expect(t.waitReplicas).toBe(1);
    expect(t.options).toMatchObject({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
        { host: 'sentinel-3', port: 26379 },
      ],
      name: 'kindling',
      db: 3,
      password: 'p@ss',
      sentinelPassword: 'sp',
      failoverDetector: true,
    });
    expect(t.options.username).toBeUndefined();
    expect(t.options.tls).toBeUndefined();
    expect(parseRedisUrl('rediss+sentinel://u:p@h:1/m').options).toMatchObject({
      username: 'u',
      password: 'p',
      db: 0,
      tls: {},
    });
    // A demoted primary answers READONLY: reconnect through the sentinels and resend.
    const retry = parseRedisUrl('redis+sentinel://h:1/m').options.reconnectOnError!;
    expect(retry(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(retry(new Error('ERR other'))).toBe(false);
  });

  it('passes plain URLs to ioredis without our own parameter', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/4')).toEqual({
      url: 'redis://127.0.0.1:6379/4',
      options: {},
      waitReplicas: 0,
    });
    const t = parseRedisUrl('redis://:pw@127.0.0.1:6379/4?waitReplicas=2');
    expect(t.url).toBe('redis://:pw@127.0.0.1:6379/4');
    expect(t.waitReplicas).toBe(2);
  });

  it('says what is wrong with a bad URL', () => {
    expect(redisUrlProblem('redis://127.0.0.1:6379')).toBeNull();
    expect(redisUrlProblem('http://127.0.0.1:6379')).toMatch(/redis\+sentinel:\/\//);
    expect(redisUrlProblem('not a url')).toMatch(/must be a redis:\/\//);
    expect(redisUrlProblem('redis+sentinel://h:1')).toMatch(/master-name/);
    expect(redisUrlProblem('redis+sentinel://h:x/m')).toMatch(/host:port/);
    expect(redisUrlProblem('redis://h:1?waitReplicas=many')).toMatch(/waitReplicas/);
  });

  it('describes where it points without credentials', () => {
    expect(describeUrl('redis+sentinel://secret@a:1,b:2/kindling')).toBe(
      'Sentinel master "kindling" via a:1,b:2',
    );
    expect(describeUrl('redis://:secret@127.0.0.1:6380/1')).toBe('127.0.0.1:6380');
    expect(describeUrl('postgresql://u:p@db:5433/x')).toBe('db:5433');
  });
});
