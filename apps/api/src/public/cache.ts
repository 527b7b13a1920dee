// A few seconds of in-process memory for what every public submission reads and people rarely
// change: the form definition and whether any active campaign listens to the form. An edit, a
// disabled form or a newly activated campaign reaches every api process within TTL_MS.
export const TTL_MS = 5_000;

/**
 * Caches `load(key)` results (misses included) for `ttlMs`; concurrent misses share one load.
 * With `keepOnError`, a reload failing with such an error (the database unreachable) answers the
 * last loaded value instead, for another `ttlMs` before the next try.
 */
export function ttlCache<T>(ttlMs = TTL_MS, max = 10_000, keepOnError?: (err: unknown) => boolean) {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  const last = new Map<string, T>();
  return {
    get(key: string, load: () => Promise<T>): Promise<T> {
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
