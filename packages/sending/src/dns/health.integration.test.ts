// Sending-domain checks against a real DNS server: dnsmasq on loopback serving one good domain and
// one broken domain per failure (missing SPF, SPF without the relay, SPF over 10 lookups, a DKIM
// record with another key, no DMARC, p=none, a wrong return-path MX, a tracking host that does not
// resolve). Each gives its verdict and the exact record to publish.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSendingDomain,
  dkimDnsRecord,
  generateDkimKeyPair,
  overallStatus,
  type DnsCheck,
  type SendingDomainInput,
} from '../index.js';
import { startDnsmasq, type Dnsmasq } from '../../../../test/support/dnsmasq.js';

const run = randomUUID().slice(0, 8);
const zone = `kd${run}.test`;
const at = (label: string) => `${label}.${zone}`;
const RELAY_IP = '192.0.2.25';
const INBOUND = at('mx.kindling');
const ours = generateDkimKeyPair();
const theirs = generateDkimKeyPair();
let dns: Dnsmasq;

/** The TXT/MX records of a domain that passes every check. */
function good(
  domain: string,
  over: { spf?: string | null; dkim?: string | null; dmarc?: string | null; mx?: string[] } = {},
) {
  const txt: Record<string, string> = {};
  const spf = over.spf === undefined ? `v=spf1 include:_spf.${at('relay')} -all` : over.spf;
  if (spf) txt[domain] = spf;
  const dkim =
    over.dkim === undefined ? dkimDnsRecord(domain, 'k1', ours.publicKey).value : over.dkim;
  if (dkim) txt[`k1._domainkey.${domain}`] = dkim;
  const dmarc = over.dmarc === undefined ? 'v=DMARC1; p=reject; rua=mailto:d@x.test' : over.dmarc;
  if (dmarc) txt[`_dmarc.${domain}`] = dmarc;
  return { txt, mx: { [domain]: over.mx ?? [INBOUND] } };
}

const DOMAINS = {
  good: good(at('good')),
  nospf: good(at('nospf'), { spf: null }),
  norelay: good(at('norelay'), { spf: `v=spf1 ip4:198.51.100.7 include:_spf.${at('other')} ~all` }),
  toomany: good(at('toomany'), {
    spf: `v=spf1 ${Array.from({ length: 6 }, (_, i) => `include:_n${i}.${at('chain')}`).join(' ')} ip4:${RELAY_IP} -all`,
  }),
  otherkey: good(at('otherkey'), {
    dkim: dkimDnsRecord(at('otherkey'), 'k1', theirs.publicKey).value,
  }),
  nodmarc: good(at('nodmarc'), { dmarc: null }),
  pnone: good(at('pnone'), { dmarc: 'v=DMARC1; p=none; rua=mailto:reports@pnone.test' }),
  wrongmx: good(at('wrongmx'), { mx: ['mx1.elsewhere.test'] }),
};

beforeAll(async () => {
  const txt: Record<string, string> = {
    [`_spf.${at('relay')}`]: `v=spf1 ip4:${RELAY_IP}/32 -all`,
    [`_spf.${at('other')}`]: 'v=spf1 ip4:203.0.113.0/24 -all',
  };
  // Each _nI include costs 1 + two a/mx lookups of its own: 6 * 2 = 12 > 10.
  for (let i = 0; i < 6; i++) txt[`_n${i}.${at('chain')}`] = `v=spf1 a mx -all`;
  const mx: Record<string, string[]> = {};
  for (const d of Object.values(DOMAINS)) {
    Object.assign(txt, d.txt);
    Object.assign(mx, d.mx);
  }
  dns = await startDnsmasq({
    txt,
    mx,
    a: { [at('smtp.relay')]: RELAY_IP, [at('t')]: '192.0.2.80' },
    local: [zone, 'x.test', 'pnone.test', 'elsewhere.test'],
  });
});
afterAll(() => dns?.stop());

const input = (
  name: keyof typeof DOMAINS,
  over: Partial<SendingDomainInput> = {},
): SendingDomainInput => ({
  fromDomain: at(name),
  returnPathDomain: at(name),
  dkim: { domain: at(name), selector: 'k1', publicKey: ours.publicKey },
  relayHost: at('smtp.relay'),
  inboundMxHost: INBOUND,
  trackingHost: at('t'),
  ...over,
});
const check = async (
  name: keyof typeof DOMAINS,
  kind: DnsCheck['kind'],
  over?: Partial<SendingDomainInput>,
) => (await checkSendingDomain(dns.resolver, input(name, over))).find((c) => c.kind === kind)!;

describe('sending-domain checks', () => {
  it('a domain with everything right passes every check', async () => {
    const checks = await checkSendingDomain(dns.resolver, input('good'));
    expect(checks.map((c) => [c.kind, c.status])).toEqual([
      ['spf', 'pass'],
      ['dkim', 'pass'],
      ['dmarc', 'pass'],
      ['return_path_mx', 'pass'],
      ['tracking', 'pass'],
    ]);
    expect(checks.every((c) => c.record === null)).toBe(true);
    expect(overallStatus(checks)).toBe('pass');
    expect(checks[0]!.message).toMatch(/^1 of 10 lookups; authorises the relay/);
  });

  it('missing SPF: fail, publish a record authorising the relay', async () => {
    const c = await check('nospf', 'spf');
    expect(c).toMatchObject({ status: 'fail', found: null });
    expect(c.message).toMatch(/has no SPF record/);
    expect(c.record).toEqual({
      type: 'TXT',
      name: at('nospf'),
      value: `v=spf1 ip4:${RELAY_IP} ~all`,
    });
  });

  it('SPF without the relay: fail, the same record with the relay added before all', async () => {
    const c = await check('norelay', 'spf');
    expect(c.status).toBe('fail');
    expect(c.message).toContain(`does not authorise the relay ${at('smtp.relay')} (${RELAY_IP})`);
    expect(c.record!.value).toBe(
      `v=spf1 ip4:198.51.100.7 include:_spf.${at('other')} ip4:${RELAY_IP} ~all`,
    );
  });

  it('SPF over the 10-lookup limit (counted through includes): fail', async () => {
    const c = await check('toomany', 'spf');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/needs 18 DNS lookups .* over the limit of 10/);
    expect(c.record!.value).toBe(`v=spf1 ip4:${RELAY_IP} ~all`);
  });

  it('a DKIM record with another key: fail, publish ours', async () => {
    const c = await check('otherkey', 'dkim');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/another key than the one Kindling signs with/);
    expect(c.record).toEqual({
      type: 'TXT',
      name: `k1._domainkey.${at('otherkey')}`,
      value: `v=DKIM1; k=rsa; p=${ours.publicKey}`,
    });
    expect(c.found).toContain(theirs.publicKey); // the long record arrived whole (several strings)
  });

  it('no DMARC: fail, publish p=none with reports', async () => {
    const c = await check('nodmarc', 'dmarc');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/has no DMARC record/);
    expect(c.record).toEqual({
      type: 'TXT',
      name: `_dmarc.${zone}`,
      value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${zone}`,
    });
  });

  it('p=none: warn, publish quarantine keeping the other tags', async () => {
    const c = await check('pnone', 'dmarc');
    expect(c.status).toBe('warn');
    expect(c.message).toMatch(/^p=none: receivers take no action/);
    expect(c.record).toEqual({
      type: 'TXT',
      name: `_dmarc.${at('pnone')}`,
      value: 'v=DMARC1; p=quarantine; rua=mailto:reports@pnone.test',
    });
  });

  it('DMARC alignment: neither DKIM nor the return path under the From domain fails', async () => {
    const c = await check('good', 'dmarc', {
      dkim: { domain: 'sender.elsewhere.test', selector: 'k1', publicKey: ours.publicKey },
      returnPathDomain: 'bounces.elsewhere.test',
    });
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(
      /DMARC fails for every message: DKIM \(d=sender\.elsewhere\.test\) is not aligned/,
    );
    // A return path on a subdomain of From is aligned (relaxed) even with DKIM elsewhere.
    const sub = await check('good', 'dmarc', {
      dkim: null,
      returnPathDomain: `bounces.${at('good')}`,
    });
    expect(sub.status).toBe('pass');
  });

  it('a return-path MX that points elsewhere: fail, publish the inbound listener', async () => {
    const c = await check('wrongmx', 'return_path_mx');
    expect(c).toMatchObject({ status: 'fail', found: 'mx1.elsewhere.test' });
    expect(c.message).toMatch(/not at the inbound listener/);
    expect(c.record).toEqual({ type: 'MX', name: at('wrongmx'), value: `10 ${INBOUND}` });
  });

  it('a tracking host that does not resolve: fail', async () => {
    const c = await check('good', 'tracking', { trackingHost: at('nothing-here') });
    expect(c.status).toBe('fail');
    expect(c.record).toMatchObject({ type: 'A', name: at('nothing-here') });
  });

  it('an identity without a DKIM key, or a resolver that does not answer', async () => {
    expect((await check('good', 'dkim', { dkim: null })).status).toBe('fail');
    const { createDnsResolver } = await import('../index.js');
    const dead = createDnsResolver(['127.0.0.1:9'], { timeoutMs: 200, tries: 1 });
    const checks = await checkSendingDomain(dead, input('good'));
    expect(checks.filter((c) => c.kind !== 'tracking').map((c) => c.status)).toEqual([
      'error',
      'error',
      'error',
      'error',
    ]);
  });
});
