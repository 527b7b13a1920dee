// Address classification for outgoing connections made on a tenant's behalf: which addresses are
// the public internet and which reach this host, its network or a cloud's metadata service.
// Written over raw bytes so every spelling of an address (IPv4-mapped IPv6, NAT64, 6to4,
// compressed or dotted forms) is judged by what it actually reaches.
import { isIP } from 'node:net';

/** 4 or 16 bytes of an IP literal (zone id and brackets ignored), or null if it is not one. */
export function ipBytes(text: string): Uint8Array | null {
  const ip = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v = isIP(ip);
  if (v === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (v !== 6) return null;
  let tail: number[] = [];
  let head = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted?.[1]) {
    tail = dotted[1].split('.').map(Number);
    head = ip.slice(0, -dotted[1].length);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsNeeded = (16 - tail.length) / 2;
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const l = left ? left.split(':').filter((g) => g !== '') : [];
  const r = right !== undefined ? right.split(':').filter((g) => g !== '') : [];
  const groups =
    right !== undefined
      ? [...l, ...Array<string>(groupsNeeded - l.length - r.length).fill('0'), ...r]
      : l;
  if (groups.length !== groupsNeeded) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  out.set(tail, groupsNeeded * 2);
  return out;
}

/** True when `addr` lies in `net`/`bits` (both the same family). */
export function inPrefix(addr: Uint8Array, net: Uint8Array, bits: number): boolean {
  if (addr.length !== net.length) return false;
  for (let i = 0; i < addr.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

type Range = [prefix: string, bits: number, what: string];

const V4: Range[] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.169.254', 32, 'cloud metadata service'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible (deprecated)'],
  ['64:ff9b:1::', 48, 'local NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001::', 23, 'IETF protocol assignments (Teredo and others)'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const compiled = (ranges: Range[]) =>
  ranges.map(([p, bits, what]) => ({ net: ipBytes(p)!, bits, what }));
const V4_RANGES = compiled(V4);
const V6_RANGES = compiled(V6);

/** IPv4 embedded in IPv6 forms that reach an IPv4 host: mapped, translated, NAT64, 6to4. */
function embeddedV4(b: Uint8Array): Uint8Array | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12); // ::ffff:a.b.c.d
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return b.slice(12); // ::ffff:0:a.b.c.d
  if (inPrefix(b, ipBytes('64:ff9b::')!, 96)) return b.slice(12);
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 2002:aabb:ccdd::/48
  return null;
}

/**
 * Why `ip` is not a public internet address ("loopback", "private", ...), or null when it is.
 * Anything that does not parse as an IP literal is refused too.
 */
export function nonPublicReason(ip: string): string | null {
  const b = ipBytes(ip);
  if (!b) return 'not an IP address';
  if (b.length === 16) {
    const v4 = embeddedV4(b);
    if (v4) {
      const inner = nonPublicReason(Array.from(v4).join('.'));
      return inner ? `${inner} (inside an IPv6 address)` : null;
    }
    return V6_RANGES.find((r) => inPrefix(b, r.net, r.bits))?.what ?? null;
  }
  return V4_RANGES.find((r) => inPrefix(b, r.net, r.bits))?.what ?? null;
}

/** One key per address whatever its spelling (an IPv4-mapped IPv6 address keys as its IPv4). */
export function addressKey(ip: string): string | null {
  const b = ipBytes(ip);
  if (!b) return null;
  const mapped =
    b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return Buffer.from(mapped ? b.slice(12) : b).toString('hex');
}
