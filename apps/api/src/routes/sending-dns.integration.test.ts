// Sending-domain DNS health through the api, against dnsmasq on loopback: "Check DNS" stores and
// answers each check with the record to publish, the identity list shows it, and with the
// workspace setting on, a campaign whose identity fails a check cannot be activated (off: it can).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dkimDnsRecord, encryptSecret, generateDkimKeyPair } from '@kindling/sending';
import { signUp, startTestApi, type TestApi } from '../../test/support/testing.js';
import { startDnsmasq, type Dnsmasq } from '../../../../test/support/dnsmasq.js';

const run = randomUUID().slice(0, 8);
const zone = `api${run}.test`;
const key = generateDkimKeyPair();
let api: TestApi;
let dns: Dnsmasq;

beforeAll(async () => {
  dns = await startDnsmasq({
    txt: {
      // good: everything; bad: no SPF, no DMARC (its DKIM record is right).
      [`good.${zone}`]: 'v=spf1 ip4:192.0.2.25 -all',
      [`k1._domainkey.good.${zone}`]: dkimDnsRecord(`good.${zone}`, 'k1', key.publicKey).value,
      [`_dmarc.good.${zone}`]: 'v=DMARC1; p=quarantine',
      [`k1._domainkey.bad.${zone}`]: dkimDnsRecord(`bad.${zone}`, 'k1', key.publicKey).value,
    },
    mx: { [`good.${zone}`]: [`in.${zone}`], [`bad.${zone}`]: [`in.${zone}`] },
    a: { [`smtp.${zone}`]: '192.0.2.25', [`t.${zone}`]: '192.0.2.80' },
    local: [zone],
  });
  api = await startTestApi({
    trackingUrl: `https://t.${zone}`,
    dns: { servers: [dns.server], inboundMxHost: `in.${zone}` },
  });
});
afterAll(async () => {
  await api?.close();
  await dns?.stop();
});

it(
  'checks on demand, shows the result on the identity, and blocks activation when configured',
  { timeout: 90_000 },
  async () => {
    const { client, me } = await signUp(api, 'dns');
    const db = api.deps.db;
    const identity = (domain: string) =>
      db.sendingIdentity.create({
        data: {
          workspaceId: me.workspace.id,
          name: domain,
          fromName: 'Team',
          fromEmail: `team@${domain}.${zone}`,
          smtpUrlEncrypted: encryptSecret(api.deps.config.appSecret, `smtp://smtp.${zone}:25`),
          dkimDomain: `${domain}.${zone}`,
          dkimSelector: 'k1',
          dkimPublicKey: key.publicKey,
        },
      });
    const good = await identity('good');
    const bad = await identity('bad');

    const g = await client.post(`/api/sending/identities/${good.id}/dns-check`);
    expect(g.status).toBe(200);
    expect(g.body.dnsHealth.status).toBe('pass');
    expect(g.body.dnsHealth.failingSince).toBeNull();

    const b = await client.post(`/api/sending/identities/${bad.id}/dns-check`);
    expect(b.status).toBe(200);
    const byKind = Object.fromEntries(
      (b.body.dnsHealth.checks as { kind: string }[]).map((c) => [c.kind, c]),
    );
    expect(b.body.dnsHealth.status).toBe('fail');
    expect(b.body.dnsHealth.failingSince).not.toBeNull();
    expect(byKind.spf).toMatchObject({
      status: 'fail',
      record: { type: 'TXT', name: `bad.${zone}`, value: 'v=spf1 ip4:192.0.2.25 ~all' },
    });
    expect(byKind.dmarc).toMatchObject({ status: 'fail', record: { name: `_dmarc.${zone}` } });
    expect(byKind.dkim).toMatchObject({ status: 'pass' });
    expect(byKind.return_path_mx).toMatchObject({ status: 'pass' });
    expect(byKind.tracking).toMatchObject({ status: 'pass' });

    // The list shows the stored results.
    const list = await client.get('/api/sending/identities');
    const shown = Object.fromEntries(
      (list.body as { id: string; dnsHealth: { status: string } | null }[]).map((i) => [
        i.id,
        i.dnsHealth?.status,
      ]),
    );
    expect(shown).toEqual({ [good.id]: 'pass', [bad.id]: 'fail' });

    // Another workspace cannot check (or learn about) this identity.
    const other = await signUp(api, 'dns-other');
    expect((await other.client.post(`/api/sending/identities/${bad.id}/dns-check`)).status).toBe(
      404,
    );

    const campaign = async (identityId: string) => {
      const c = await client.post('/api/campaigns', {
        name: `c-${identityId.slice(0, 4)}`,
        identityId,
        triggers: [{ type: 'manual' }],
        steps: [
          { type: 'email', config: { subject: 'Hi', preheader: '', html: '<p>Hi</p>', text: '' } },
        ],
      });
      expect(c.status).toBe(201);
      return c.body.id as string;
    };
    const onBad = await campaign(bad.id);
    const onGood = await campaign(good.id);

    // Setting off (the default): a failing identity does not block.
    expect((await client.get('/api/workspace')).body.dnsBlocksActivation).toBe(false);
    const first = await campaign(bad.id);
    expect((await client.post(`/api/campaigns/${first}/activate`)).status).toBe(200);

    const on = await client.patch('/api/workspace', { dnsBlocksActivation: true });
    expect(on.status).toBe(200);
    expect(on.body.dnsBlocksActivation).toBe(true);
    const refused = await client.post(`/api/campaigns/${onBad}/activate`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/fails 2 DNS checks \(spf, dmarc\)/);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'dns.spf',
      'dns.dmarc',
    ]);
    expect((await client.post(`/api/campaigns/${onGood}/activate`)).status).toBe(200);
    expect((await client.get(`/api/campaigns/${onBad}`)).body.status).toBe('draft');
  },
);
