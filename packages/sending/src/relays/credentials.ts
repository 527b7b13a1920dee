// Webhook credentials compared without leaking timing, and the token Kindling generates for the
// providers that sign nothing (Postmark, Brevo): sent back as HTTP Basic auth (the password) or a
// bearer token, as the provider's console allows.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { header, type RelayRequest } from './types.js';

/** Constant-time equality of two strings (hashed first, so lengths leak nothing either). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** A new webhook token: 192 random bits, URL-safe. */
export function newWebhookToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The credential a request presents: the Basic auth password, a bearer token, or the
 * X-Kindling-Webhook-Token header (for consoles that take a custom header).
 */
export function presentedToken(req: RelayRequest): string | null {
  const custom = header(req, 'x-kindling-webhook-token');
  if (custom) return custom.trim();
  const auth = header(req, 'authorization')?.trim() ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  if (bearer?.[1]) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

/** Verifies a Kindling-generated token presented by any of the ways above. */
export function verifyToken(req: RelayRequest, key: string): string | null {
  const presented = presentedToken(req);
  if (!presented) return 'no credentials (Basic auth, bearer token or X-Kindling-Webhook-Token)';
  return sameSecret(presented, key) ? null : 'credentials do not match';
}
