// The one rule for a request's client address, used by the api (express's req.ip, the
// submission fast path, sign-in throttles) and the tracking app alike.
//
// With `trustProxy` = N proxies in front (TRUST_PROXY), the client is the N-th address from the
// right of X-Forwarded-For (the one our outermost proxy saw), or its leftmost when the header is
// shorter; with N = 0 or no header, the socket's peer. Every address is normalised the same way:
// trimmed, brackets and a zone index dropped, an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`)
// written as IPv4, IPv6 lower-cased. No header value is trusted beyond the configured hops.
import type { IncomingMessage } from 'node:http';

/** `::ffff:1.2.3.4` and `::ffff:102:304` -> `1.2.3.4`, `[::1]` -> `::1`, `FE80::1%eth0` -> `fe80::1`. */
export function normalizeIp(ip: string): string {
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!s.includes(':')) return s;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  s = s.toLowerCase();
  if (!s.startsWith('::ffff:')) return s;
  if (s.includes('.')) return s.slice(7);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(s);
  if (!hex) return s;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * The client address from the socket's peer and the X-Forwarded-For value(s); null when neither
 * names one. A hot path passes the header as it read it (tracking reads raw headers).
 */
export function forwardedClientIp(
  peer: string | null | undefined,
  forwardedFor: string | string[] | null | undefined,
  trustProxy: number,
): string | null {
  const own = peer ? normalizeIp(peer) || null : null;
  if (trustProxy <= 0 || !forwardedFor) return own;
  const list = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = list[list.length - trustProxy] ?? list[0];
  return picked ? normalizeIp(picked) : own;
}

/** The client address of a request (see the file header); null when unknown. */
export function clientIp(req: IncomingMessage, trustProxy: number): string | null {
  return forwardedClientIp(
    req.socket.remoteAddress,
    trustProxy > 0 ? req.headers['x-forwarded-for'] : undefined,
    trustProxy,
  );
}
