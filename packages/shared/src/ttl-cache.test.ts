import { describe, expect, it } from 'vitest';
import { ttlCache } from './ttl-cache.js';

describe('ttlCache', () => {
  it('loads once per key while fresh, concurrent misses included; a failed load is not kept', async () => {
    const c = ttlCache<number>({ ttlMs: 60_000 });
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([c.get('a', load), c.get('a', load)])).toEqual([1, 1]);
    expect(await c.get('b', load)).toBe(2);
    await expect(c.get('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await c.get('x', load)).toBe(3);
    c.clear();
    expect(await c.get('a', load)).toBe(4);
  });

  it('reloads once stale; keepOnError answers the last value when the reload fails so', async () => {
    const c = ttlCache<string>({ ttlMs: 0, keepOnError: (e) => (e as Error).message === 'down' });
    expect(await c.get('k', () => Promise.resolve('v1'))).toBe('v1');
    expect(await c.get('k', () => Promise.reject(new Error('down')))).toBe('v1');
    await expect(c.get('k', () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
    expect(await c.get('k', () => Promise.resolve('v2'))).toBe('v2');
  });
});
