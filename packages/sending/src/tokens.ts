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

function keyFor(secret: string): Buffer {
  return createHmac('sha256', secret).update('kindling-tokens-v1').digest();
}

/** Mints a URL-safe token for `payload`, signed with the app secret. */
export function signToken(secret: string, payload: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const tag = createHmac('sha256', keyFor(secret)).update(body).digest().subarray(0, TAG_BYTES);
  return `${body}.${tag.toString('base64url')}`;
}

/** The payload when `token` is intact, ours and of `kind`; null otherwise (never throws). */
export function verifyToken(secret: string, token: string, kind: TokenKind): TokenPayload | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 8192) return null;
  const body = token.slice(0, dot);
  const tag = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', keyFor(secret)).update(body).digest().subarray(0, TAG_BYTES);
  if (tag.length !== TAG_BYTES || !timingSafeEqual(tag, expected)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    return payload && payload.k === kind && typeof payload.w === 'string' ? payload : null;
  } catch {
    return null;
  }
}
