// Relay destinations are guarded: a tenant's SMTP relay on loopback, a private or link-local
// range, the cloud metadata address or the product's own ports is refused when the identity is
// saved (422) and again when the worker connects (an identity whose URL got past the save, as a
// DNS rebinding would, reaches nothing), test sends included. What the operator lists in
// EGRESS_ALLOW (here one smtp-sink on loopback) works; the built-in dev mail catcher on loopback
// is the product's own and stays allowed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoApi, type DemoApi } from './support/landing.js';
import { startProduct, type Product } from './support/product.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { createIdentity, openFixtures, until, type Fixtures } from './support/sending-fixtures.js';

let product: Product;
let allowedSink: SmtpSink;
let otherSink: SmtpSink;
let api: DemoApi;
let f: Fixtures;
let workspaceId: string;

beforeAll(async () => {
  [allowedSink, otherSink] = await Promise.all([startSmtpSink(), startSmtpSink()]);
  product = await startProduct({ EGRESS_ALLOW: `127.0.0.1:${allowedSink.port}` });
  api = await demoApi(product.apiUrl);
  f = openFixtures();
  workspaceId = (await api.call('GET', '/api/workspace')).body.id;
});

afterAll(async () => {
  await product?.stop();
  await Promise.all([allowedSink?.stop(), otherSink?.stop()]);
  await f?.close();
});

const identity = (smtpUrl: string) => ({
  name: 'Relay',
  fromName: 'Guard test',
  fromEmail: 'guard@kindling.test',
  smtpUrl,
});

it('refuses internal relays when an identity is saved, and accepts what the operator allows', async () => {
  for (const [url, why] of [
    ['smtp://127.0.0.1:6379', /127\.0\.0\.1:6379, a loopback address/],
    ['smtp://localhost:5432', /localhost resolves to 127\.0\.0\.1:5432, a loopback address/],
    ['smtp://[::1]:25', /::1:25, a loopback address/],
    ['smtp://[::ffff:127.0.0.1]:2526', /loopback \(inside an IPv6 address\)/],
    ['smtp://0.0.0.0:25', /unspecified/],
    ['smtp://10.1.2.3:587', /private/],
    ['smtp://100.64.0.1:587', /carrier-grade NAT/],
    ['smtp://169.254.169.254:25', /cloud metadata service/],
    ['smtp://[fe80::1]:25', /link-local/],
    [`smtp://127.0.0.1:${otherSink.port}?tls=off`, /loopback/],
  ] as const) {
    const res = await api.call('POST', '/api/sending/identities', identity(url));
    expect(res.status, url).toBe(422);
    expect(res.body.error.message, url).toMatch(why);
    expect(res.body.error.message, url).toMatch(/EGRESS_ALLOW/);
    expect(res.body.error.details, url).toEqual([expect.objectContaining({ field: 'smtpUrl' })]);
  }
  const ok = await api.call(
    'POST',
    '/api/sending/identities',
    identity(`smtp://127.0.0.1:${allowedSink.port}?tls=off`),
  );
  expect(ok.status).toBe(201);
  // Changing it to an internal relay later is refused too, and the stored relay is kept.
  const patched = await api.call('PATCH', `/api/sending/identities/${ok.body.id}`, {
    smtpUrl: 'smtp://192.168.1.10:25',
  });
  expect(patched.status).toBe(422);
  expect(
    (await api.call('GET', '/api/sending/identities')).body.find(
      (i: { id: string }) => i.id === ok.body.id,
    ).smtpUrl,
  ).toBe(`smtp://127.0.0.1:${allowedSink.port}?tls=off`);

  // A test send through the allowed relay arrives.
  const sent = await api.call('POST', '/api/sending/test', {
    identityId: ok.body.id,
    toEmail: 'allowed@example.org',
  });
  expect(sent.status).toBe(202);
  await until(
    async () =>
      (await f.db.message.findUniqueOrThrow({ where: { id: sent.body.messageId } })).status ===
      'sent',
    30_000,
    () => product.logs().slice(-2000),
  );
  expect(allowedSink.messages().some((m) => m.includes('allowed@example.org'))).toBe(true);
});

it('refuses at connect time a relay that got past the save (127.0.0.1 and a name resolving to it)', async () => {
  // Stored directly, as if the name had resolved elsewhere when it was saved.
  for (const host of ['127.0.0.1', 'localhost']) {
    const i = await createIdentity(f.db, workspaceId, {
      smtpUrl: `smtp://${host}:${otherSink.port}?tls=off`,
    });
    const res = await api.call('POST', '/api/sending/test', {
      identityId: i.id,
      toEmail: `refused-${host}@example.org`,
    });
    expect(res.status).toBe(202);
    const m = await until(
      async () => {
        const row = await f.db.message.findUniqueOrThrow({ where: { id: res.body.messageId } });
        return row.status === 'failed' ? row : null;
      },
      30_000,
      () => product.logs().slice(-2000),
    );
    expect(m.lastError).toMatch(/a loopback address/);
    expect(m.attempts).toBe(1);
  }
  expect(otherSink.messages()).toHaveLength(0);

  // The built-in dev mail catcher (loopback, the product's own) still takes a test send.
  const caught = await api.call('POST', '/api/sending/test', { toEmail: 'catcher@example.org' });
  await until(
    async () =>
      (await f.db.message.findUniqueOrThrow({ where: { id: caught.body.messageId } })).status ===
      'sent',
    30_000,
    () => product.logs().slice(-2000),
  );
});
