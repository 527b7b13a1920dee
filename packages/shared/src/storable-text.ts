// The one rule for text Kindling accepts: PostgreSQL cannot store U+0000 in text or jsonb, and
// its UTF-8 encoding cannot carry a lone UTF-16 surrogate (JavaScript strings can hold both;
// JSON.parse and form decoding produce them from `\u0000`, `%00` or `\ud800`). Every entry point
// (public submissions, API bodies and query strings, CSV import) refuses such text with a 422
// naming the field, so nothing unstorable is ever accepted and later blocks a drain. Browser-safe.

/** Why a string cannot be stored, or null when it can. */
export function unstorableTextReason(s: string): string | null {
  // Fast path: almost every string has neither a NUL nor any surrogate at all.
  // eslint-disable-next-line no-control-regex -- finding U+0000 is the point
  if (!/[\u0000\ud800-\udfff]/.test(s)) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'contains a NUL character (U+0000), which cannot be stored';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'contains an invalid character (a lone UTF-16 surrogate), which cannot be stored';
    }
    if (c >= 0xdc00 && c <= 0xdfff)
      return 'contains an invalid character (a lone UTF-16 surrogate), which cannot be stored';
  }
  return null;
}

export interface UnstorableText {
  /** Path of the first offending value or key, e.g. ['fields', 2, 'label']. */
  path: (string | number)[];
  /** The path as one field name ("fields.2.label"; "(body)" for the value itself). */
  field: string;
  issue: string;
}

const MAX_DEPTH = 64;

/**
 * The first string or object key anywhere in `value` (a parsed JSON body, a query object, a CSV
 * row) that PostgreSQL cannot store, or null when everything is storable. Arrays and plain
 * objects are walked; other values (numbers, booleans, null) are always storable.
 */
export function findUnstorableText(value: unknown): UnstorableText | null {
  const path: (string | number)[] = [];
  const found = (issue: string): UnstorableText => ({
    path: [...path],
    field: path.length ? path.map(String).join('.') : '(body)',
    issue,
  });
  const walk = (v: unknown, depth: number): UnstorableText | null => {
    if (typeof v === 'string') {
      const reason = unstorableTextReason(v);
      return reason ? found(reason) : null;
    }
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return null;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        const r = walk(v[i], depth + 1);
        path.pop();
        if (r) return r;
      }
      return null;
    }
    for (const key of Object.keys(v)) {
      path.push(key);
      const keyReason = unstorableTextReason(key);
      const r = keyReason
        ? found(`field name ${keyReason}`)
        : walk((v as Record<string, unknown>)[key], depth + 1);
      path.pop();
      if (r) return r;
    }
    return null;
  };
  return walk(value, 0);
}
