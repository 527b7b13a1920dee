// Recipient providers by MX against a real DNS server (dnsmasq on loopback) and Postgres: the
// send path's answer never waits, a lookup happens once per domain and is kept in Postgres with
// its TTL, a fresh row is used without DNS, an expired one is looked up again, and a resolver
// that does not answer leaves the domain `other` (the fixed list) without writing anything.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { MxProviders, createDnsResolver } from './index.js';
import { startDnsmasq, type Dnsmasq } from '../../../test/support/dnsmasq.js';

const db = createDb(process.env.DATABASE_URL!);
const run = randomUUID().slice(0, 8);
const d = (name: string) => `${name}-${run}.test`;
const HOUR = 3_600_000;
let dns: Dnsmasq;

beforeAll(async () => {
  dns = await startDnsmasq({
    mx: {
      [d('acme')]: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'],
      [d('contoso')]: [`contoso-${run}-test.mail.protection.outlook.com`],
      [d('yah')]: ['mta5.am0.yahoodns.net'],
      [d('fruit')]: ['mx01.mail.icloud.com', 'mx02.mail.icloud.com'],
      [d('plain')]: [`mx.plain-${run}.test`],
      [d('cached')]: ['aspmx.l.google.com'],
      [d('expired')]: ['aspmx.l.google.com'],
    },
    txt: { [d('nomx')]: 'v=spf1 -all' },
  });
});

afterAll(async () => {
  await db.mailDomainProvider.deleteMany({ where: { domain: { endsWith: `-${run}.test` } } });
  await dns?.stop();
  await db.$disconnect();
});

it('answers at once, learns each domain from its MX in the background, and keeps it in Postgres', async () => {
  let lookups = 0;
  const resolver = {
    resolveMx: (name: string) => {
      lookups++;
      return dns.resolver.resolveMx(name);
    },
  };
  const p = new MxProviders(db, resolver, { ttlMs: 24 * HOUR, retryMs: 60_000 });
  const cases: [string, string][] = [
    ['acme', 'gmail'],
    ['contoso', 'microsoft'],
    ['yah', 'yahoo'],
    ['fruit', 'apple'],
    ['plain', 'other'],
    ['nomx', 'other'],
  ];
  // The first answer is the fixed list's (nothing has been looked up; nothing waits).
  for (const [name] of cases) expect(p.providerOf(`lead@${d(name)}`)).toBe('other');
  expect(p.providerOf('someone@gmail.com')).toBe('gmail');
  await p.settled();
  for (const [name, provider] of cases) expect(p.providerOf(`x@${d(name)}`)).toBe(provider);
  expect(lookups).toBe(cases.length); // once per domain, none for the fixed list

  const row = await db.mailDomainProvider.findUniqueOrThrow({ where: { domain: d('acme') } });
  expect(row.provider).toBe('gmail');
  expect(row.mxHosts).toEqual(['aspmx.l.google.com', 'alt1.aspmx.l.google.com']);
  expect(row.expiresAt.getTime() - row.checkedAt.getTime()).toBe(24 * HOUR);
  expect(
    (await db.mailDomainProvider.findUniqueOrThrow({ where: { domain: d('nomx') } })).mxHosts,
  ).toEqual([]);

  // Another process: learns from the rows, without DNS.
  const other = new MxProviders(db, resolver, { ttlMs: 24 * HOUR, retryMs: 60_000 });
  other.providerOf(`y@${d('contoso')}`);
  await other.settled();
  expect(other.providerOf(`y@${d('contoso')}`)).toBe('microsoft');
  expect(lookups).toBe(cases.length);
});

it('uses a fresh row without DNS and looks an expired one up again', async () => {
  const now = Date.now();
  await db.mailDomainProvider.createMany({
    data: [
      // What an earlier lookup said: kept until it expires, whatever DNS says now.
      {
        domain: d('cached'),
        provider: 'microsoft',
        mxHosts: ['old.mail.protection.outlook.com'],
        checkedAt: new Date(now - HOUR),
        expiresAt: new Date(now + HOUR),
      },
      {
        domain: d('expired'),
        provider: 'yahoo',
        mxHosts: ['old.yahoodns.net'],
        checkedAt: new Date(now - 25 * HOUR),
        expiresAt: new Date(now - HOUR),
      },
    ],
  });
  const p = new MxProviders(db, dns.resolver, { ttlMs: 24 * HOUR, retryMs: 60_000 });
  p.providerOf(`a@${d('cached')}`);
  p.providerOf(`a@${d('expired')}`);
  await p.settled();
  expect(p.providerOf(`a@${d('cached')}`)).toBe('microsoft');
  expect(p.providerOf(`a@${d('expired')}`)).toBe('gmail');
  const row = await db.mailDomainProvider.findUniqueOrThrow({ where: { domain: d('expired') } });
  expect(row).toMatchObject({ provider: 'gmail', mxHosts: ['aspmx.l.google.com'] });
  expect(row.expiresAt.getTime()).toBeGreaterThan(now + 23 * HOUR);
});

it('a resolver that does not answer leaves the domain other, writes nothing, and retries later', async () => {
  // A port nothing listens on: every query fails (refused or timed out).
  const dead = createDnsResolver(['127.0.0.1:9'], { timeoutMs: 200, tries: 1 });
  let t = Date.now();
  const errors: string[] = [];
  const p = new MxProviders(db, dead, {
    ttlMs: 24 * HOUR,
    retryMs: 60_000,
    now: () => t,
    onError: (_e, domain) => errors.push(domain),
  });
  const domain = d('down');
  expect(p.providerOf(`a@${domain}`)).toBe('other');
  await p.settled();
  expect(errors).toEqual([domain]);
  expect(p.providerOf(`a@${domain}`)).toBe('other');
  await p.settled();
  expect(errors).toHaveLength(1); // within retryMs: no second lookup
  expect(await db.mailDomainProvider.findUnique({ where: { domain } })).toBeNull();
  t += 61_000;
  p.providerOf(`a@${domain}`);
  await p.settled();
  expect(errors).toHaveLength(2);
  await p.close();
});
