// Hostile inputs for the property-based tests of every public endpoint and every JSON body of
// the api (fast-check): huge, deep, wrong types, prototype-like keys, NUL and lone surrogates,
// invalid percent-encoding, broken compression. One set, so every endpoint meets the same
// stranger.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** Strings a stranger can send: control characters, lone surrogates, percent-garbage, huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00y',
    '\ud83d',
    '%',
    '%zz',
    '%E0%A4%A',
    '%00',
    '%ED%A0%80',
    '__proto__',
    'constructor',
    'toString',
    '<script>alert(1)</script>',
    '\'; DROP TABLE "Lead"; --',
    '../../etc/passwd',
    '${{7*7}}',
    '1e999',
    'NaN',
    '2026-02-31T00:00:00Z',
    '00000000-0000-0000-0000-000000000000',
    'a@b',
    'ann@example.test',
  ),
  fc
    .tuple(fc.string({ maxLength: 4 }), fc.integer({ min: 1_000, max: 40_000 }))
    .map(([s, n]) => (s || 'a').repeat(Math.ceil(n / (s.length || 1)))),
);

/** Object keys a stranger can send, prototype members first. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'),
  fc.constantFrom('\u0000', '\ud800', '', 'email', 'name', 'id', 'workspaceId', '_sid', '_elapsed'),
  fc.string({ maxLength: 12 }),
);

/** Any JSON value, hostile strings and keys inside, a few levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e308, -0),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** An object with the given keys (a schema's own), each value hostile, plus hostile extra keys. */
export function hostileObjectWith(keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  const known = keys.length
    ? fc.record(Object.fromEntries(keys.map((k) => [k, hostileJson])), { requiredKeys: [] })
    : fc.constant({});
  return fc
    .tuple(known, fc.dictionary(hostileKey, hostileJson, { maxKeys: 3 }))
    .map(([a, b]) => Object.assign(Object.create(null) as Record<string, unknown>, b, a));
}

/** Bodies that are not JSON, or JSON nested far deeper than any schema. */
export const hostileRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '{', '{"a":', '[]', 'null', '"x"', '1', '{"__proto__":{"admin":true}}'),
  fc.integer({ min: 100, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 100, max: 5_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 1, max: 400 }).map((n) => `{"a":"${'\\ud800'.repeat(n)}"}`),
  fc.constant(`{"a":"${'x'.repeat(300_000)}"}`),
);

/**
 * Percent-encodes like encodeURIComponent, but a lone surrogate (which encodeURIComponent
 * refuses) goes on the wire as the invalid UTF-8 a careless client would send.
 */
export function encodeHostile(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += ch.length === 1 && c >= 0xd800 && c <= 0xdfff ? '%ED%A0%80' : encodeURIComponent(ch);
  }
  return out;
}

/** A urlencoded body with invalid percent-encoding and hostile names. */
export const hostileUrlencoded: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof(hostileKey, hostileString), hostileString), { maxLength: 6 })
  .chain((pairs) =>
    fc.oneof(
      fc.constant(pairs.map(([k, v]) => `${encodeHostile(k)}=${encodeHostile(v)}`).join('&')),
      fc.constant(pairs.map(([k, v]) => `${k}=${v}`).join('&')),
      fc.constantFrom('%', 'a=%', 'a=%zz&b=%E0%A4%A', '=&=&', 'email[]=x', 'a[b][c]=1'),
    ),
  )
  .map((s) => s.replace(/[\ud800-\udfff]/g, '%ED%A0%80'));

/** A Content-Encoding and a body that does not match it (or a truncated real one). */
export const brokenCompression: fc.Arbitrary<{ encoding: string; body: Buffer }> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('gzip', 'deflate', 'br', 'gzip, gzip', 'zstd', 'x-unknown'),
      fc.uint8Array({ maxLength: 200 }),
    )
    .map(([encoding, bytes]) => ({ encoding, body: Buffer.from(bytes) })),
  fc.integer({ min: 1, max: 30 }).map((cut) => {
    const full = gzipSync(JSON.stringify({ email: 'ann@example.test', note: 'x'.repeat(100) }));
    return { encoding: 'gzip', body: full.subarray(0, Math.max(1, full.length - cut)) };
  }),
  // A small gzip that inflates far beyond every body limit.
  fc.constant({ encoding: 'gzip', body: gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)) }),
);

/** A path segment as a stranger might put it on the wire: percent-garbage left as it is. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => encodeHostile(s.slice(0, 300))),
  fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '%E0%A4%A', '..', '%2e%2e', '%2F', 'a%00b'),
);
