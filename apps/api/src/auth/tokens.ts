import { createHash, randomBytes } from 'node:crypto';

/** A URL-safe random token with 256 bits of entropy, optionally prefixed. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 hex digest: what we store for tokens that are random enough not to need a KDF. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
