// Signed tracking tokens: the payload travels inside the token (no database lookup on the hot
// path) and an HMAC-SHA256 tag, compared in constant time, proves we minted it. The kind is part
// of the signed payload, so an open token cannot be replayed as a click or unsubscribe token.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'open' | 'click' | 'unsubscribe' | 'confirm';

export interface TokenPayload {
  /** Kind, bound into the signature. */
  k: TokenKind;
  /** Workspace id. */
  w: string;
  /** Message id (open, click, unsubscribe). */
  m?: string;
  /** Lead id. */
  l?: string;
  /** Destination URL (click). */
  u?: string;
  /** Issued at, seconds since the epoch (used for expiring kinds such as confirm). */
  i?: number;
  /** Honeypot link: a hit marks the click as a machine. */
  h?: 1;
}

const TAG_BYTES = 16;

// Deriving the key costs one HMAC; the tracking hot path verifies a token per request, so the
// derived key is kept per secret (a process has one or two secrets, never an unbounded set).
const keys = new Map<string, Buffer>();
function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = createHmac('sha256', secret).update('kindling-tokens-v1').digest();
    if (keys.size > 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** Mints a URL-safe token for `payload`, signed with the app secret. */
export function signToken(secret: string, payload: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const tag = createHmac('sha256', keyFor(secret)).update(body).digest().subarray(0, TAG_BYTES);
  return `${body}.${tag.toString('base64url')}`;
}

// Ids are checked even though only we sign: a payload that is not what we sign never reaches a
// query (where a malformed id is a database error, not a "no such message").
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown): boolean => typeof v === 'string' && UUID.test(v);

/** The payload when `token` is intact, ours and of `kind`; null otherwise (never throws). */
export function verifyToken(secret: string, token: string, kind: TokenKind): TokenPayload | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 8192) return null;
  const body = token.slice(0, dot);
  const tag = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', keyFor(secret))
    .update(body)
    .digest()
    .subarray(0, TAG_BYTES);
  if (tag.length !== TAG_BYTES || !timingSafeEqual(tag, expected)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    return payload &&
      typeof payload === 'object' &&
      payload.k === kind &&
      isUuid(payload.w) &&
      (payload.m === undefined || isUuid(payload.m)) &&
      (payload.l === undefined || isUuid(payload.l))
      ? payload
      : null;
  } catch {
    return null;
  }
}

/**
 * The destination of a click payload when it is an absolute http(s) URL, normalised by the WHATWG
 * parser (so the Location header never carries CR/LF or a scheme-relative `//host`); else null.
 */
export function clickDestination(payload: TokenPayload): string | null {
  const raw = payload.u;
  if (typeof raw !== 'string' || !/^https?:\/\/[^/\\]/i.test(raw)) return null;
  try {
    const url = new URL(raw);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}
