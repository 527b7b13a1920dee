import { describe, expect, it } from 'vitest';
import { TickBatcher } from './tick-batch.js';

const collect = <O>(b: TickBatcher<number, O>, item: number) =>
  new Promise<O | undefined>((resolve, reject) =>
    b.add(item, (err, out) => (err ? reject(err) : resolve(out))),
  );

describe('TickBatcher', () => {
  it('runs the items of one turn as one call and answers each with its own result', async () => {
    const calls: number[][] = [];
    const b = new TickBatcher<number, number>((items) => {
      calls.push(items);
      return Promise.resolve(items.map((i) => i * 10));
    });
    const answers = await Promise.all([1, 2, 3].map((i) => collect(b, i)));
    expect(answers).toEqual([10, 20, 30]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(await collect(b, 4)).toBe(40);
    expect(calls).toHaveLength(2);
  });

  it('flushes at maxBatch and fails every caller of a failed call', async () => {
    const calls: number[][] = [];
    const b = new TickBatcher<number, number>((items) => {
      calls.push(items);
      return items.includes(3) ? Promise.reject(new Error('redis down')) : Promise.resolve(items);
    }, 2);
    const results = await Promise.allSettled([1, 2, 3].map((i) => collect(b, i)));
    expect(calls).toEqual([[1, 2], [3]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
  });
});
