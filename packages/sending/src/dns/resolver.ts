// The one way Kindling asks DNS (recipients' MX, sending domains' SPF/DKIM/DMARC/MX): a node:dns
// Resolver with a short timeout, pointed at the operator's servers (DNS_RESOLVER) or the system's.
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { z } from 'zod';

/** What the DNS users of this package need of a resolver (node:dns/promises Resolver has it). */
export type DnsResolver = Pick<
  Resolver,
  'resolveMx' | 'resolveTxt' | 'resolve4' | 'resolve6' | 'resolveCname' | 'cancel'
>;

/** Errors that mean "the name or the record type does not exist", an answer, not an outage. */
export function isNoRecord(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ENOTFOUND' || code === 'ENODATA' || code === 'ENONAME';
}

/** True for "1.2.3.4", "1.2.3.4:5353", "::1", "[::1]:5353". */
function isServer(s: string): boolean {
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  if (v6) return net.isIPv6(v6[1]!) && (!v6[2] || Number(v6[2]) <= 65535);
  if (net.isIPv6(s)) return true;
  const [host, port, ...rest] = s.split(':');
  return !rest.length && net.isIPv4(host!) && (port === undefined || /^\d{1,5}$/.test(port));
}

/**
 * DNS_RESOLVER: comma-separated server addresses with optional ports ("127.0.0.1:5353,[::1]:53");
 * empty or unset = the system's resolvers. Addresses only: a resolver's name would need a resolver.
 */
export const dnsResolverEnv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine(
    (list) => list.every(isServer),
    'must be IP addresses with optional :port, comma-separated',
  );

/** A resolver asking `servers` (the system's when empty), each query bounded by `timeoutMs`. */
export function createDnsResolver(
  servers: string[] = [],
  opts: { timeoutMs?: number; tries?: number } = {},
): Resolver {
  const r = new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: opts.tries ?? 2 });
  if (servers.length) r.setServers(servers);
  return r;
}

/** A host or domain name setting (RETURN_PATH_DOMAIN, INBOUND_MX_HOST); unset is allowed. */
export const hostNameEnv = z
  .string()
  .regex(/^[a-z0-9.-]+$/i, 'must be a host name')
  .optional();
