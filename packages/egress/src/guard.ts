// The one guard for outgoing connections made on a tenant's behalf (SMTP relays now, webhooks
// later). A destination is checked when it is saved (early, clear feedback) and again at connect
// time: the name is resolved, every address is checked, and the socket goes to a checked address,
// so a name that resolved to a public address at save time and to 127.0.0.1 now (DNS rebinding)
// still gets nowhere. Loopback, private, link-local, CGNAT, metadata and other special ranges, and
// this host's own addresses, are refused unless the operator's allow list names them; an
// allowance without a port never opens the product's own ports (Postgres, Redis, the api...).
import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { parseAllowList, type AllowEntry } from './allow.js';
import { addressKey, inPrefix, ipBytes, nonPublicReason } from './ip.js';

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export interface EgressOptions {
  /** The operator's allowances (parsed, or the EGRESS_ALLOW text). */
  allow?: AllowEntry[] | string;
  /** The product's own ports: an allowance must name one explicitly to reach it. */
  ownPorts?: number[];
  /** Name resolution; default: the system resolver (getaddrinfo, as `net.connect` would use). */
  resolve?: Resolve;
  /** This host's own addresses, refused like loopback; default: every interface's address. */
  localAddresses?: string[];
  /** Connect timeout in ms (default 15 s). */
  connectTimeoutMs?: number;
}

/** A destination the guard refuses; `message` says why and how an operator allows it. */
export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_REFUSED';
}

export interface EgressGuard {
  /** The addresses `host` may be reached at on `port`; throws EgressRefusedError (or a DNS error). */
  check(host: string, port: number): Promise<string[]>;
  /** Resolves, checks every address and connects to a checked one (TLS from the start if asked). */
  connect(target: { host: string; port: number; tls?: boolean }): Promise<net.Socket>;
}

const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .map((i) => i?.address)
    .filter((a): a is string => !!a);
}

/** Creates a guard from the operator's configuration (never from process.env). */
export function createEgressGuard(options: EgressOptions = {}): EgressGuard {
  const allow =
    typeof options.allow === 'string' ? parseAllowList(options.allow) : (options.allow ?? []);
  const ownPorts = new Set(options.ownPorts ?? []);
  const resolve = options.resolve ?? systemResolve;
  const local = new Set(
    (options.localAddresses ?? interfaceAddresses()).map(addressKey).filter(Boolean),
  );
  const timeout = options.connectTimeoutMs ?? 15_000;

  const names = (e: AllowEntry, host: string, ip: Uint8Array) =>
    e.kind === 'host' ? e.host === host : inPrefix(ip, e.net, e.bits);

  /** Why `ip` (what `host` resolved to) may not be reached on `port`, or null when it may. */
  function refusal(host: string, ip: string, port: number): string | null {
    const reason = nonPublicReason(ip) ?? (local.has(addressKey(ip)) ? "this host's own" : null);
    if (!reason) return null;
    const bytes = ipBytes(ip)!;
    const matching = allow.filter((e) => names(e, host, bytes));
    if (matching.some((e) => (e.port === undefined ? !ownPorts.has(port) : e.port === port)))
      return null;
    const where = host === ip ? ip : `${host} resolves to ${ip}`;
    const ownNote =
      ownPorts.has(port) && matching.some((e) => e.port === undefined)
        ? ` Port ${port} is one of Kindling's own: an allowance must name it explicitly.`
        : '';
    return `${where}:${port}, a ${reason} address: Kindling does not connect to internal destinations on a workspace's behalf unless the operator allows them (EGRESS_ALLOW).${ownNote}`;
  }

  async function check(rawHost: string, port: number): Promise<string[]> {
    const host = rawHost
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    const addresses = ipBytes(host) ? [host] : (await resolve(host)).map((a) => a.address);
    if (addresses.length === 0) throw new Error(`${host} does not resolve`);
    for (const ip of addresses) {
      const why = refusal(host, ip, port);
      if (why) throw new EgressRefusedError(why);
    }
    return addresses;
  }

  async function connect(target: { host: string; port: number; tls?: boolean }) {
    const [address] = await check(target.host, target.port);
    const servername = net.isIP(target.host.replace(/^\[|\]$/g, '')) ? undefined : target.host;
    return new Promise<net.Socket>((resolveSocket, reject) => {
      const socket = target.tls
        ? tls.connect({ host: address, port: target.port, servername })
        : net.connect({ host: address!, port: target.port });
      const timer = setTimeout(() => {
        socket.destroy(new Error(`connection to ${target.host}:${target.port} timed out`));
      }, timeout);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', fail);
      socket.once(target.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolveSocket(socket);
      });
    });
  }

  return { check, connect };
}

/** Kindling's default listening ports, refused behind a port-less allowance even if unused. */
export const PRODUCT_DEFAULT_PORTS = [2525, 2526, 3000, 3001, 3002, 5432, 6379];

const SCHEME_PORTS: Record<string, number> = {
  'postgres:': 5432,
  'postgresql:': 5432,
  'redis:': 6379,
  'rediss:': 6379,
  'http:': 80,
  'https:': 443,
};

/** The product's own ports: the defaults, the ports of its URLs (db, redis, public) and `ports`. */
export function productPorts(urls: (string | undefined)[], ports: number[] = []): number[] {
  const out = new Set([...PRODUCT_DEFAULT_PORTS, ...ports.filter((p) => p > 0)]);
  for (const u of urls) {
    if (!u || !URL.canParse(u)) continue;
    const url = new URL(u);
    const p = Number(url.port) || SCHEME_PORTS[url.protocol];
    if (p) out.add(p);
  }
  return [...out];
}
