// VERP (variable envelope return path): each message's envelope sender names the message,
// so a bounce that comes back tells us exactly which message and recipient failed.
import { createHmac } from 'node:crypto';

const LOCAL = 'bounces';
const TOKEN = /^[A-Za-z0-9_-]{6,128}$/;

/** `bounces+<token>@<domain>` for one message. */
export function verpAddress(token: string, domain: string): string {
  if (!TOKEN.test(token)) throw new Error('VERP token must be 6-128 characters of [A-Za-z0-9_-]');
  return `${LOCAL}+${token}@${domain.toLowerCase()}`;
}

/** The token of a VERP address, or null when the address is not one of ours. */
export function parseVerp(address: string, domain?: string): string | null {
  const m = /^<?bounces\+([A-Za-z0-9_-]{6,128})@([^>\s]+)>?$/i.exec(address.trim());
  if (!m?.[1] || !m[2]) return null;
  if (domain && m[2].toLowerCase() !== domain.toLowerCase()) return null;
  return m[1];
}

const VERP_TAG = 10;

/** VERP token for a message: its id plus an HMAC tag, so bounces cannot be forged for other messages. */
export function verpTokenFor(secret: string, messageId: string): string {
  const hex = messageId.replace(/-/g, '').toLowerCase();
  const tag = createHmac('sha256', secret)
    .update(`verp:${hex}`)
    .digest('base64url')
    .slice(0, VERP_TAG);
  return `${hex}${tag}`;
}

/** The message id inside a VERP token, or null when the token is not ours. */
export function messageIdFromVerpToken(secret: string, token: string): string | null {
  const hex = token.slice(0, 32).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex) || token.length !== 32 + VERP_TAG) return null;
  const tag = createHmac('sha256', secret)
    .update(`verp:${hex}`)
    .digest('base64url')
    .slice(0, VERP_TAG);
  if (tag !== token.slice(32)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
