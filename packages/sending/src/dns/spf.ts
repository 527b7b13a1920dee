// SPF (RFC 7208) as far as a health check needs it: find the domain's one `v=spf1` record, count
// the DNS-querying terms (include, a, mx, ptr, exists, redirect) through every include and
// redirect (over 10 is a permerror at every receiver), and tell whether given addresses pass.
// ptr and exists are counted but never match here (they depend on the connecting host).
import net from 'node:net';
import { isNoRecord, type DnsResolver } from './resolver.js';

export const SPF_LOOKUP_LIMIT = 10;

export interface SpfAnalysis {
  /** The domain's SPF records (one is right; none or several are errors). */
  records: string[];
  /** DNS-querying terms in the whole tree. */
  lookups: number;
  /** Addresses among those asked about that the record passes (`+` qualifier). */
  passes: Set<string>;
  /** What went wrong on the way (an include with no record, a loop, ...). */
  errors: string[];
  /** The top record's `all` qualifier, if any ('+', '-', '~', '?'). */
  all: string | null;
}

/** The TXT strings of each record at `name`, joined (null when there is none). */
export async function txtRecords(
  resolver: Pick<DnsResolver, 'resolveTxt'>,
  name: string,
): Promise<string[] | null> {
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (err) {
    if (isNoRecord(err)) return null;
    throw err;
  }
}

export const spfRecordsOf = (txt: string[] | null) =>
  (txt ?? []).filter((t) => /^v=spf1(\s|$)/i.test(t.trim()));

function inCidr(ip: string, base: string, prefix: number | null): boolean {
  const fam = net.isIPv4(ip) ? 'ipv4' : 'ipv6';
  if ((net.isIPv4(base) ? 'ipv4' : 'ipv6') !== fam) return false;
  const list = new net.BlockList();
  if (prefix === null) list.addAddress(base, fam);
  else list.addSubnet(base, prefix, fam);
  return list.check(ip, fam);
}

interface Walk {
  lookups: number;
  errors: string[];
  seen: Set<string>;
}

async function addresses(r: Pick<DnsResolver, 'resolve4' | 'resolve6'>, host: string) {
  const safe = (p: Promise<string[]>) => p.catch(() => [] as string[]);
  const [a, aaaa] = await Promise.all([safe(r.resolve4(host)), safe(r.resolve6(host))]);
  return [...a, ...aaaa];
}

/** Evaluates `domain`'s record for `ips`; returns the ones it passes. Counts into `w`. */
async function evaluate(
  r: DnsResolver,
  domain: string,
  record: string,
  ips: string[],
  w: Walk,
): Promise<Set<string>> {
  const passes = new Set<string>();
  const decided = new Set<string>();
  const decide = (matched: string[], qualifier: string) => {
    for (const ip of matched) {
      if (decided.has(ip)) continue;
      decided.add(ip);
      if (qualifier === '+') passes.add(ip);
    }
  };
  let redirect: string | null = null;
  let sawAll = false;
  for (const term of record.trim().split(/\s+/).slice(1)) {
    const m = /^([+\-~?]?)([a-z0-9]+)(?:([:=])(.*))?$/i.exec(term);
    if (!m) {
      w.errors.push(`${domain}: cannot read the term "${term}"`);
      continue;
    }
    const qualifier = m[1] || '+';
    const name = m[2]!.toLowerCase();
    const arg = m[4] ?? '';
    const undecided = ips.filter((ip) => !decided.has(ip));
    const [target, cidr] = arg.includes('/') ? [arg.split('/')[0]!, arg.split('/')[1]!] : [arg, ''];
    const prefix = cidr ? Number(cidr) : null;
    switch (name) {
      case 'all':
        sawAll = true;
        decide(undecided, qualifier);
        break;
      case 'ip4':
      case 'ip6':
        decide(
          undecided.filter((ip) => inCidr(ip, target, prefix)),
          qualifier,
        );
        break;
      case 'include': {
        w.lookups++;
        const inner = await walkDomain(r, target, undecided, w);
        decide([...inner], qualifier);
        break;
      }
      case 'a': {
        w.lookups++;
        const host = target || domain;
        const addrs = undecided.length ? await addresses(r, host) : [];
        decide(
          undecided.filter((ip) => addrs.some((a) => inCidr(ip, a, prefix))),
          qualifier,
        );
        break;
      }
      case 'mx': {
        w.lookups++;
        if (!undecided.length) break;
        const mx = await r.resolveMx(target || domain).catch(() => []);
        const addrs = (
          await Promise.all(mx.slice(0, 10).map((x) => addresses(r, x.exchange)))
        ).flat();
        decide(
          undecided.filter((ip) => addrs.some((a) => inCidr(ip, a, prefix))),
          qualifier,
        );
        break;
      }
      case 'ptr':
      case 'exists':
        w.lookups++;
        break;
      case 'redirect':
        if (m[3] === '=') redirect = arg;
        break;
      default:
        // exp= and unknown modifiers are ignored (RFC 7208 6).
        break;
    }
    if (sawAll) break;
  }
  if (redirect && !sawAll) {
    w.lookups++;
    const rest = ips.filter((ip) => !decided.has(ip));
    for (const ip of await walkDomain(r, redirect, rest, w)) passes.add(ip);
  }
  return passes;
}

async function walkDomain(r: DnsResolver, domain: string, ips: string[], w: Walk) {
  const key = domain.toLowerCase();
  if (w.seen.has(key)) {
    w.errors.push(`${domain} is included twice (a loop)`);
    return new Set<string>();
  }
  if (w.seen.size > 30) return new Set<string>();
  w.seen.add(key);
  const records = spfRecordsOf(await txtRecords(r, domain).catch(() => null));
  if (records.length !== 1) {
    w.errors.push(
      records.length
        ? `${domain} has ${records.length} SPF records`
        : `${domain} (included) has no SPF record`,
    );
    return new Set<string>();
  }
  return evaluate(r, domain, records[0]!, ips, w);
}

/** The SPF record of `domain`, its lookup count and which of `ips` it passes. */
export async function analyseSpf(
  r: DnsResolver,
  domain: string,
  ips: string[],
): Promise<SpfAnalysis> {
  const records = spfRecordsOf(await txtRecords(r, domain));
  const w: Walk = { lookups: 0, errors: [], seen: new Set([domain.toLowerCase()]) };
  if (records.length !== 1)
    return { records, lookups: 0, passes: new Set(), errors: [], all: null };
  const passes = await evaluate(r, domain, records[0]!, ips, w);
  const all = /(?:^|\s)([+\-~?]?)all(?:\s|$)/i.exec(records[0]!);
  return { records, lookups: w.lookups, passes, errors: w.errors, all: all ? all[1] || '+' : null };
}

/** `record` with `terms` added before its `all` (or redirect), or a new record when none. */
export function spfWith(record: string | null, terms: string[]): string {
  if (!record) return ['v=spf1', ...terms, '~all'].join(' ');
  const parts = record.trim().split(/\s+/);
  const have = new Set(parts.map((p) => p.toLowerCase()));
  const add = terms.filter((t) => !have.has(t.toLowerCase()));
  const end = parts.findIndex((p, i) => i > 0 && /^([+\-~?]?all|redirect=)/i.test(p));
  if (end === -1) return [...parts, ...add, '~all'].join(' ');
  return [...parts.slice(0, end), ...add, ...parts.slice(end)].join(' ');
}
