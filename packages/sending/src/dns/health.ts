// Sending-domain health: what receivers will find in DNS for one identity, check by check, each
// with what is wrong and the exact record to publish. Pure DNS (the given resolver); loading and
// storing the results is identity-health.ts.
//   spf             the envelope (return-path) domain's SPF: one record, at most 10 lookups,
//                   passing the relay's addresses where the relay is known
//   dkim            <selector>._domainkey.<dkim domain> publishes the key Kindling signs with
//   dmarc           _dmarc.<From domain> (or its organisational domain): present, its policy, and
//                   whether DKIM's d= or the return path is aligned with From
//   return_path_mx  the return-path domain's MX points at the inbound listener (bounces arrive)
//   tracking        the tracking host resolves
import net from 'node:net';
import { dkimDnsRecord } from '../dkim.js';
import type { DnsCheck, DnsCheckStatus, DnsRecordToPublish } from '@kindling/shared';
import { isNoRecord, type DnsResolver } from './resolver.js';
import { SPF_LOOKUP_LIMIT, analyseSpf, spfWith, txtRecords } from './spf.js';

export type { DnsCheck, DnsCheckStatus, DnsRecordToPublish } from '@kindling/shared';

export interface SendingDomainInput {
  /** The domain of the From address. */
  fromDomain: string;
  /** The envelope sender's (VERP) domain, what SPF is checked on. */
  returnPathDomain: string;
  /** The DKIM key Kindling signs with (null: the identity has none). */
  dkim: { domain: string; selector: string; publicKey: string } | null;
  /** The SMTP relay's host (null: the dev mail catcher, nothing leaves). */
  relayHost: string | null;
  /** The host the return-path domain's MX should point at (the inbound listener); null: unknown. */
  inboundMxHost: string | null;
  /** The tracking links' host. */
  trackingHost: string | null;
}

const lower = (s: string) => s.toLowerCase().replace(/\.$/, '');

// Second-level labels under which registrations sit (co.uk, com.au, ...): the organisational
// domain is then three labels. An approximation of the Public Suffix List, which is not shipped.
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'ne', 'or', 'go']);

/** The organisational domain (RFC 7489 3.2), approximated: example.co.uk, example.com. */
export function organisationalDomain(domain: string): string {
  const labels = lower(domain).split('.');
  const n =
    labels.length >= 3 && labels.at(-1)!.length === 2 && SECOND_LEVEL.has(labels.at(-2)!) ? 3 : 2;
  return labels.slice(-n).join('.');
}

/** DMARC identifier alignment: relaxed = same organisational domain, strict = equal. */
export function aligned(domain: string, fromDomain: string, mode: 'r' | 's'): boolean {
  return mode === 's'
    ? lower(domain) === lower(fromDomain)
    : organisationalDomain(domain) === organisationalDomain(fromDomain);
}

/** `k=v; k=v` tags of a DKIM or DMARC record. */
export function tagsOf(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) tags.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return tags;
}

const failed = (err: unknown) =>
  `DNS did not answer (${(err as { code?: string }).code ?? String(err)}); checked again later`;

async function relayAddresses(r: DnsResolver, host: string | null): Promise<string[]> {
  if (!host) return [];
  if (net.isIP(host)) return [host];
  const safe = (p: Promise<string[]>) => p.catch(() => [] as string[]);
  const [a, aaaa] = await Promise.all([safe(r.resolve4(host)), safe(r.resolve6(host))]);
  return [...a, ...aaaa];
}

const ipTerm = (ip: string) => (net.isIPv6(ip) ? `ip6:${ip}` : `ip4:${ip}`);

async function checkSpf(r: DnsResolver, i: SendingDomainInput): Promise<DnsCheck> {
  const name = i.returnPathDomain;
  const ips = await relayAddresses(r, i.relayHost);
  const relayTerms = ips.length ? ips.map(ipTerm) : ['include:<your relay’s SPF domain>'];
  const base = { kind: 'spf' as const, name };
  let spf;
  try {
    spf = await analyseSpf(r, name, ips);
  } catch (err) {
    return { ...base, status: 'error', found: null, message: failed(err), record: null };
  }
  const [first] = spf.records;
  const publish = (value: string): DnsRecordToPublish => ({ type: 'TXT', name, value });
  if (!first)
    return {
      ...base,
      status: 'fail',
      found: null,
      message: `${name} has no SPF record: receivers cannot tell the relay may send for it`,
      record: publish(spfWith(null, relayTerms)),
    };
  if (spf.records.length > 1)
    return {
      ...base,
      status: 'fail',
      found: spf.records.join(' | '),
      message: `${name} has ${spf.records.length} SPF records; receivers treat that as an error (permerror): publish one`,
      record: publish(spfWith(first, relayTerms)),
    };
  if (spf.lookups > SPF_LOOKUP_LIMIT) {
    const kept = first.split(/\s+/).filter((t) => /^[+]?ip[46]:/i.test(t));
    return {
      ...base,
      status: 'fail',
      found: first,
      message: `the SPF record needs ${spf.lookups} DNS lookups (include, a, mx, ptr, exists, redirect), over the limit of ${SPF_LOOKUP_LIMIT}: receivers answer permerror. Replace includes by the addresses they stand for`,
      record: publish(spfWith(['v=spf1', ...kept].join(' '), relayTerms)),
    };
  }
  if (ips.length) {
    const missing = ips.filter((ip) => !spf.passes.has(ip));
    if (missing.length)
      return {
        ...base,
        status: 'fail',
        found: first,
        message: `the SPF record does not authorise the relay ${i.relayHost} (${missing.join(', ')})${spf.errors.length ? `; ${spf.errors.join('; ')}` : ''}`,
        record: publish(spfWith(first, missing.map(ipTerm))),
      };
  }
  if (spf.all === '+')
    return {
      ...base,
      status: 'warn',
      found: first,
      message: '+all lets anyone send as this domain',
      record: publish(first.replace(/(^|\s)\+?all(\s|$)/i, '$1~all$2')),
    };
  if (spf.errors.length)
    return { ...base, status: 'warn', found: first, message: spf.errors.join('; '), record: null };
  return {
    ...base,
    status: 'pass',
    found: first,
    message: `${spf.lookups} of ${SPF_LOOKUP_LIMIT} lookups${
      ips.length
        ? `; authorises the relay ${i.relayHost}`
        : '; the relay is not known (dev mail catcher), so only the record itself was checked'
    }`,
    record: null,
  };
}

async function checkDkim(r: DnsResolver, i: SendingDomainInput): Promise<DnsCheck> {
  if (!i.dkim)
    return {
      kind: 'dkim',
      status: 'fail',
      name: `_domainkey.${i.fromDomain}`,
      found: null,
      message: 'this identity has no DKIM key, so its mail is not signed: generate one',
      record: null,
    };
  const want = dkimDnsRecord(i.dkim.domain, i.dkim.selector, i.dkim.publicKey);
  const base = { kind: 'dkim' as const, name: want.name };
  const record = { type: 'TXT' as const, name: want.name, value: want.value };
  let txt;
  try {
    txt = await txtRecords(r, want.name);
  } catch (err) {
    return { ...base, status: 'error', found: null, message: failed(err), record: null };
  }
  const found = (txt ?? []).find((t) => /(^|;)\s*p=/i.test(t)) ?? null;
  if (!found)
    return {
      ...base,
      status: 'fail',
      found: txt?.join(' | ') ?? null,
      message: `${want.name} has no DKIM record: receivers cannot verify the signature`,
      record,
    };
  const tags = tagsOf(found);
  const p = (tags.get('p') ?? '').replace(/\s+/g, '');
  if (!p)
    return { ...base, status: 'fail', found, message: 'the key is revoked (empty p=)', record };
  if ((tags.get('k') ?? 'rsa').toLowerCase() !== 'rsa')
    return {
      ...base,
      status: 'fail',
      found,
      message: `k=${tags.get('k')}: Kindling signs with RSA`,
      record,
    };
  if (p !== i.dkim.publicKey.replace(/\s+/g, ''))
    return {
      ...base,
      status: 'fail',
      found,
      message: 'the record publishes another key than the one Kindling signs with: signatures fail',
      record,
    };
  return {
    ...base,
    status: 'pass',
    found,
    message: 'publishes the key Kindling signs with',
    record: null,
  };
}

async function checkDmarc(r: DnsResolver, i: SendingDomainInput): Promise<DnsCheck> {
  const from = lower(i.fromDomain);
  const org = organisationalDomain(from);
  let name = `_dmarc.${from}`;
  let found: string | null = null;
  try {
    const pick = (txt: string[] | null) =>
      (txt ?? []).find((t) => /^v=DMARC1(\s*;|$)/i.test(t.trim())) ?? null;
    found = pick(await txtRecords(r, name));
    if (!found && org !== from) {
      const atOrg = pick(await txtRecords(r, `_dmarc.${org}`));
      if (atOrg) [name, found] = [`_dmarc.${org}`, atOrg];
    }
  } catch (err) {
    return {
      kind: 'dmarc',
      status: 'error',
      name,
      found: null,
      message: failed(err),
      record: null,
    };
  }
  const base = { kind: 'dmarc' as const, name };
  if (!found)
    return {
      ...base,
      status: 'fail',
      found: null,
      message: `${from} has no DMARC record: Gmail and Yahoo require one from bulk senders`,
      record: {
        type: 'TXT',
        name: `_dmarc.${org}`,
        value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${org}`,
      },
    };
  const tags = tagsOf(found);
  const policy = (
    (name === `_dmarc.${from}` ? undefined : tags.get('sp')) ??
    tags.get('p') ??
    ''
  ).toLowerCase();
  const mode = (t: string) => ((tags.get(t) ?? 'r').toLowerCase() === 's' ? 's' : 'r');
  const dkimAligned = !!i.dkim && aligned(i.dkim.domain, from, mode('adkim'));
  const spfAligned = aligned(i.returnPathDomain, from, mode('aspf'));
  const alignment = `DKIM (d=${i.dkim?.domain ?? 'none'}) ${dkimAligned ? 'is' : 'is not'} aligned with From, the return path (${i.returnPathDomain}) ${spfAligned ? 'is' : 'is not'}`;
  if (!['none', 'quarantine', 'reject'].includes(policy))
    return {
      ...base,
      status: 'fail',
      found,
      message: `the record has no valid policy (p=${policy || 'missing'})`,
      record: { type: 'TXT', name, value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${org}` },
    };
  if (!dkimAligned && !spfAligned)
    return {
      ...base,
      status: 'fail',
      found,
      message: `DMARC fails for every message: ${alignment}. Sign with a DKIM key of ${org} (the identity's DKIM domain) or use a return-path domain under ${org}`,
      record: null,
    };
  if (policy === 'none') {
    const rest = found
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s && !/^(v|p)\s*=/i.test(s));
    return {
      ...base,
      status: 'warn',
      found,
      message: `p=none: receivers take no action on mail that fails DMARC (${alignment}). Once the reports show only your own mail, move to quarantine`,
      record: { type: 'TXT', name, value: ['v=DMARC1', 'p=quarantine', ...rest].join('; ') },
    };
  }
  return { ...base, status: 'pass', found, message: `p=${policy}; ${alignment}`, record: null };
}

async function checkReturnPathMx(r: DnsResolver, i: SendingDomainInput): Promise<DnsCheck> {
  const name = i.returnPathDomain;
  const target = i.inboundMxHost ? lower(i.inboundMxHost) : null;
  const record: DnsRecordToPublish = {
    type: 'MX',
    name,
    value: `10 ${target ?? '<the host of your inbound listener>'}`,
  };
  let hosts: string[];
  try {
    hosts = (await r.resolveMx(name))
      .sort((a, b) => a.priority - b.priority)
      .map((m) => lower(m.exchange));
  } catch (err) {
    if (!isNoRecord(err))
      return {
        kind: 'return_path_mx',
        status: 'error',
        name,
        found: null,
        message: failed(err),
        record: null,
      };
    hosts = [];
  }
  const found = hosts.join(', ') || null;
  if (!hosts.length)
    return {
      kind: 'return_path_mx',
      status: 'fail',
      name,
      found,
      message: `${name} has no MX: bounces and complaints sent to the return path never reach Kindling`,
      record,
    };
  if (target && !hosts.includes(target))
    return {
      kind: 'return_path_mx',
      status: 'fail',
      name,
      found,
      message: `the MX points at ${found}, not at the inbound listener ${target}: bounces go elsewhere`,
      record,
    };
  return {
    kind: 'return_path_mx',
    status: 'pass',
    name,
    found,
    message: target
      ? `points at the inbound listener ${target}`
      : 'has an MX (the inbound listener host is not configured, so not compared)',
    record: null,
  };
}

async function checkTracking(r: DnsResolver, i: SendingDomainInput): Promise<DnsCheck> {
  const host = i.trackingHost ? lower(i.trackingHost) : null;
  const base = { kind: 'tracking' as const, name: host ?? '' };
  if (!host || net.isIP(host) || host === 'localhost' || host.endsWith('.localhost'))
    return {
      ...base,
      status: 'skipped',
      found: null,
      message: 'the tracking URL is not a public host name',
      record: null,
    };
  const got = await Promise.allSettled([r.resolve4(host), r.resolve6(host)]);
  const addrs = got.flatMap((g) => (g.status === 'fulfilled' ? g.value : []));
  if (addrs.length)
    return { ...base, status: 'pass', found: addrs.join(', '), message: 'resolves', record: null };
  const hard = got.find((g) => g.status === 'rejected' && !isNoRecord(g.reason));
  if (hard && hard.status === 'rejected')
    return { ...base, status: 'error', found: null, message: failed(hard.reason), record: null };
  return {
    ...base,
    status: 'fail',
    found: null,
    message: `${host} does not resolve: every tracked link and open pixel in your mail is broken`,
    record: { type: 'A', name: host, value: '<the public address of the tracking server>' },
  };
}

/** Every check of one identity's domains, in DNS_CHECK_KINDS order. */
export async function checkSendingDomain(
  r: DnsResolver,
  input: SendingDomainInput,
): Promise<DnsCheck[]> {
  return Promise.all([
    checkSpf(r, input),
    checkDkim(r, input),
    checkDmarc(r, input),
    checkReturnPathMx(r, input),
    checkTracking(r, input),
  ]);
}

const RANK: Record<DnsCheckStatus, number> = { skipped: 0, pass: 1, warn: 2, error: 3, fail: 4 };

/** The worst status among `checks` (what the identity shows). */
export function overallStatus(checks: DnsCheck[]): DnsCheckStatus {
  return checks.reduce<DnsCheckStatus>((w, c) => (RANK[c.status] > RANK[w] ? c.status : w), 'pass');
}
