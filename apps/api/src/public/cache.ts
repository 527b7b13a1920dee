// A few seconds of in-process memory for what every public submission reads and people rarely
// change: the form definition and whether any active campaign listens to the form. An edit, a
// disabled form or a newly activated campaign reaches every api process within TTL_MS.
export const TTL_MS = 5_000;

/** Caches `load(key)` results (misses included) for `ttlMs`; concurrent misses share one load. */
export function ttlCache<T>(ttlMs = TTL_MS, max = 10_000) {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      if (entries.size >= max) entries.clear();
      const value = load();
      entries.set(key, { at: Date.now(), value });
      value.catch(() => entries.delete(key));
      return value;
    },
    clear: () => entries.clear(),
  };
}
