// The one in-process cache helper: a value per key, loaded once and kept for `ttlMs`, for what a
// hot path reads often and people rarely change (a public form's definition, whether a form has
// an active campaign, a pool's warm-up plans). Every process holds its own copy, so a change
// reaches all of them within `ttlMs`. Browser-safe (no Node APIs).

export interface TtlCacheOptions {
  ttlMs: number;
  /** Entries kept at most; past that the cache starts over (default 10,000). */
  max?: number;
  /**
   * When a reload fails with such an error (the database unreachable, say), the last loaded value
   * answers instead, for another `ttlMs` before the next try.
   */
  keepOnError?: (err: unknown) => boolean;
}

export interface TtlCache<T> {
  /** The cached value of `key`, or `load()`'s (misses included); concurrent misses share one load. */
  get(key: string, load: () => Promise<T>): Promise<T>;
  clear(): void;
}

/** A cache of `load(key)` results for `ttlMs`; a failed load is not kept. */
export function ttlCache<T>({ ttlMs, max = 10_000, keepOnError }: TtlCacheOptions): TtlCache<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  const last = new Map<string, T>();
  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      if (entries.size >= max) entries.clear();
      if (last.size >= max) last.clear();
      const value = load().then(
        (v) => {
          if (keepOnError) last.set(key, v);
          return v;
        },
        (err: unknown) => {
          if (keepOnError?.(err) && last.has(key)) return last.get(key)!;
          throw err;
        },
      );
      entries.set(key, { at: Date.now(), value });
      value.catch(() => entries.delete(key));
      return value;
    },
    clear: () => {
      entries.clear();
      last.clear();
    },
  };
}
