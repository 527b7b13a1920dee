import { describe, expect, it } from 'vitest';
import { createEgressGuard, EgressRefusedError, parseAllowList, productPorts } from './index.js';
import { nonPublicReason } from './ip.js';

describe('address classification', () => {
  it('refuses every internal spelling and passes public addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '127.1.2.3',
      '0.0.0.0',
      '10.1.2.3',
      '172.31.255.255',
      '192.168.0.1',
      '100.64.0.1',
      '169.254.169.254',
      '169.254.1.1',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '[::1]',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:0:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::',
      'fd00:ec2::254',
      'fe80::1%eth0',
      'ff02::1',
      '::127.0.0.1',
      'not-an-ip',
    ])
      expect(nonPublicReason(ip), ip).not.toBeNull();
    expect(nonPublicReason('169.254.169.254')).toBe('cloud metadata service');
    expect(nonPublicReason('::ffff:169.254.169.254')).toMatch(/metadata/);
    for (const ip of [
      '93.184.216.34',
      '8.8.8.8',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      '172.32.0.1',
    ])
      expect(nonPublicReason(ip), ip).toBeNull();
  });
});

describe('allow list', () => {
  it('parses hosts, addresses, ranges and ports, and names a bad entry', () => {
    expect(
      parseAllowList(
        'mail.internal, relay.local:25 127.0.0.1:2525 [::1]:25 10.0.0.0/8 [fd00::/8]:587 fd00::/16',
      ).map((e) => [e.kind, e.port ?? null]),
    ).toEqual([
      ['host', null],
      ['host', 25],
      ['range', 2525],
      ['range', 25],
      ['range', null],
      ['range', 587],
      ['range', null],
    ]);
    expect(() => parseAllowList('127.0.0.1:99999')).toThrow(/bad port in "127.0.0.1:99999"/);
    expect(() => parseAllowList('10.0.0.0/40')).toThrow(/prefix/);
    expect(() => parseAllowList('http://x')).toThrow(/"http:\/\/x"/);
  });
});

describe('guard', () => {
  const fixed = (map: Record<string, string[]>) => (host: string) =>
    Promise.resolve(
      (map[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  const resolve = fixed({
    localhost: ['127.0.0.1', '::1'],
    'relay.example': ['93.184.216.34'],
    'mixed.example': ['93.184.216.34', '10.0.0.5'],
    'mail.internal': ['10.0.0.25'],
  });
  const ownPorts = productPorts(['postgresql://db:5432/x', 'redis://127.0.0.1:6390'], [4000]);

  it('refuses internal destinations by address and by name, and allows public ones', async () => {
    const g = createEgressGuard({ resolve, ownPorts, localAddresses: [] });
    await expect(g.check('relay.example', 587)).resolves.toEqual(['93.184.216.34']);
    // This host's own public address is refused like loopback (the product listens there).
    const self = createEgressGuard({ resolve, localAddresses: ['::ffff:93.184.216.34'] });
    await expect(self.check('relay.example', 2526)).rejects.toThrow(/this host's own address/);
    for (const [host, port] of [
      ['127.0.0.1', 6379],
      ['[::1]', 25],
      ['localhost', 25],
      ['mixed.example', 587],
      ['169.254.169.254', 80],
      ['::ffff:127.0.0.1', 5432],
    ] as const)
      await expect(g.check(host, port), host).rejects.toBeInstanceOf(EgressRefusedError);
    await expect(g.check('localhost', 25)).rejects.toThrow(
      /localhost resolves to 127\.0\.0\.1:25, a loopback address.*EGRESS_ALLOW/,
    );
    await expect(g.check('nothing.example', 25)).rejects.toThrow(/does not resolve/);
  });

  it('allows what the operator lists, never the product ports behind a port-less entry', async () => {
    const g = createEgressGuard({
      resolve,
      ownPorts,
      allow: 'mail.internal 127.0.0.1:2526 [::1]:25 192.168.0.0/16',
    });
    await expect(g.check('mail.internal', 25)).resolves.toEqual(['10.0.0.25']);
    await expect(g.check('mail.internal', 6390)).rejects.toThrow(/one of Kindling's own/);
    await expect(g.check('127.0.0.1', 2526)).resolves.toEqual(['127.0.0.1']);
    await expect(g.check('127.0.0.1', 2525)).rejects.toBeInstanceOf(EgressRefusedError);
    await expect(g.check('[::1]', 25)).resolves.toEqual(['::1']);
    await expect(g.check('192.168.4.4', 587)).resolves.toEqual(['192.168.4.4']);
    await expect(g.check('192.168.4.4', 4000)).rejects.toBeInstanceOf(EgressRefusedError);
    // localhost resolves to 127.0.0.1 and ::1: 127.0.0.1:25 is not listed, so it is refused.
    await expect(g.check('localhost', 25)).rejects.toBeInstanceOf(EgressRefusedError);
  });
});
