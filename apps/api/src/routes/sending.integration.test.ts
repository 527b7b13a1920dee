import { spawnSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decryptSecret,
  isSnsCertUrl,
  snsStringToSign,
  verpTokenFor,
  type SnsMessage,
} from '@kindling/sending';
import type { Client } from '../../test/support/testing.js';
import { signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

// A locally generated certificate stands in for the one SNS serves at SigningCertURL.
const certDir = mkdtempSync(path.join(os.tmpdir(), 'kindling-sns-'));
const gen = spawnSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=sns.amazonaws.com',
    '-days',
    '1',
    '-keyout',
    `${certDir}/key.pem`,
    '-out',
    `${certDir}/cert.pem`,
  ],
  { encoding: 'utf8' },
);
if (gen.status !== 0) throw new Error(`openssl failed: ${gen.stderr}`);
const certPem = readFileSync(`${certDir}/cert.pem`, 'utf8');
const keyPem = readFileSync(`${certDir}/key.pem`, 'utf8');
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem';
const fetched: string[] = [];

let api: TestApi;
let client: Client;
beforeAll(async () => {
  api = await startTestApi({
    queuePrefix: `test-sending-${randomUUID().slice(0, 8)}`,
    sesCertFetcher: (url) => {
      fetched.push(url);
      // The production fetcher's host rule applies to the injected one as well.
      if (!isSnsCertUrl(url)) return Promise.reject(new Error('not an SNS host'));
      return Promise.resolve(certPem);
    },
  });
  client = (await signUp(api, 'sender')).client;
});
afterAll(async () => {
  await api?.close();
  rmSync(certDir, { recursive: true, force: true });
});

describe('sending identities', () => {
  it('stores the SMTP URL and DKIM key encrypted, shows the DNS record, creates warm-up plans', async () => {
    const res = await client.post('/api/sending/identities', {
      name: 'Main',
      fromName: 'Acme News',
      fromEmail: 'news@acme-mail.example.com',
      smtpUrl: 'smtp://user:s3cret@relay.example.com:587',
      ipPool: 'dedicated-1',
      returnPathDomain: 'bounce.acme-mail.example.com',
    });
    expect(res.status).toBe(201);
    expect(res.body.smtpUrl).toBe('smtp://user:****@relay.example.com:587');
    expect(res.body.dkim.dnsName).toMatch(/\._domainkey\.acme-mail\.example\.com$/);
    expect(res.body.dkim.dnsValue).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    const row = await api.deps.db.sendingIdentity.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.smtpUrlEncrypted).not.toContain('s3cret');
    expect(decryptSecret(api.deps.config.appSecret, row.smtpUrlEncrypted!)).toBe(
      'smtp://user:s3cret@relay.example.com:587',
    );
    expect(row.dkimPrivateKeyEncrypted).not.toContain('PRIVATE KEY');

    const plans = await client.get('/api/sending/warmup');
    expect(plans.status).toBe(200);
    expect(
      plans.body.map((p: { scope: string; key: string }) => `${p.scope}:${p.key}`).sort(),
    ).toEqual(['domain:acme-mail.example.com', 'ip_pool:dedicated-1']);
    const pool = plans.body.find((p: { scope: string }) => p.scope === 'ip_pool');
    expect(pool).toMatchObject({ day: 1, todayCap: 50, todayUsed: 0, held: 0, status: 'active' });
    expect(pool.curve.slice(0, 3)).toEqual([50, 70, 98]);

    const edited = await client.patch(`/api/sending/warmup/${pool.id}`, {
      schedule: [20, 40],
      sendStartHour: 6,
      sendEndHour: 22,
      providerCaps: { gmail: 0.4 },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      todayCap: 20,
      sendStartHour: 6,
      providerCaps: { gmail: 0.4 },
    });
    const bad = await client.patch(`/api/sending/warmup/${pool.id}`, {
      sendStartHour: 20,
      sendEndHour: 8,
    });
    expect(bad.status).toBe(422);
  });

  it('rejects a bad SMTP URL with a clear message and hides other workspaces', async () => {
    const bad = await client.post('/api/sending/identities', {
      name: 'x',
      fromName: 'x',
      fromEmail: 'a@b.example.com',
      smtpUrl: 'http://nope',
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('smtp://');
    const mine = await client.post('/api/sending/identities', {
      name: 'Dev',
      fromName: 'Dev',
      fromEmail: 'dev@b.example.com',
    });
    expect(mine.body.smtpUrl).toBeNull();
    const other = (await signUp(api, 'other')).client;
    expect(
      (await other.patch(`/api/sending/identities/${mine.body.id}`, { name: 'stolen' })).status,
    ).toBe(404);
    expect((await other.get('/api/sending/identities')).body).toEqual([]);
  });

  it('lists and shows caught messages of the workspace only', async () => {
    const me = await client.get('/api/workspace');
    const raw =
      'From: a@b.example\r\nTo: c@d.example\r\nSubject: Caught one\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p>';
    const row = await api.deps.db.caughtMessage.create({
      data: {
        workspaceId: me.body.id,
        envelopeFrom: 'a@b.example',
        envelopeTo: ['c@d.example'],
        subject: 'Caught one',
        raw,
        size: raw.length,
      },
    });
    const list = await client.get('/api/sending/outbox');
    expect(list.body.map((m: { id: string }) => m.id)).toContain(row.id);
    const one = await client.get(`/api/sending/outbox/${row.id}`);
    expect(one.body.html).toContain('<p>Hello</p>');
    expect(one.body.headers).toContainEqual({ name: 'Subject', value: 'Caught one' });
    const other = (await signUp(api, 'other2')).client;
    expect((await other.get(`/api/sending/outbox/${row.id}`)).status).toBe(404);
  });
});

function signed(
  msg: Omit<SnsMessage, 'Signature' | 'SignatureVersion' | 'SigningCertURL'>,
  certUrl = CERT_URL,
): SnsMessage {
  const full = { ...msg, SignatureVersion: '1', SigningCertURL: certUrl, Signature: '' };
  full.Signature = createSign('RSA-SHA1').update(snsStringToSign(full)).sign(keyPem, 'base64');
  return full;
}

describe('SES notifications (SNS)', () => {
  async function fixture() {
    const me = await client.get('/api/workspace');
    const lead = await api.deps.db.lead.create({
      data: { workspaceId: me.body.id, email: `ses-${randomUUID().slice(0, 8)}@example.org` },
    });
    const msg = await api.deps.db.message.create({
      data: {
        workspaceId: me.body.id,
        leadId: lead.id,
        toEmail: lead.email,
        subject: 's',
        messageIdHeader: `<${randomUUID()}@ses.example>`,
        status: 'sent',
      },
    });
    const source = `bounces+${verpTokenFor(api.deps.config.appSecret, msg.id)}@bounce.example`;
    return { lead, msg, source };
  }
  const post = (body: unknown) =>
    fetch(`${api.url}/api/webhooks/ses`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=UTF-8' },
      body: JSON.stringify(body),
    });
  const note = (message: object) => ({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses',
    Message: JSON.stringify(message),
    Timestamp: new Date().toISOString(),
  });

  it('applies a verified permanent bounce and a complaint; refuses bad signatures and foreign cert hosts', async () => {
    const a = await fixture();
    const bounce = note({
      notificationType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: a.lead.email,
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
      },
      mail: {
        messageId: 'ses-id',
        source: a.source,
        commonHeaders: { messageId: a.msg.messageIdHeader },
      },
    });
    // Tampered after signing: refused, nothing applied.
    const forged = signed(bounce);
    forged.Message = forged.Message.replace('Permanent', 'Permanent ');
    expect((await post(forged)).status).toBe(403);
    // Signed with our key but pointing at a non-SNS host: refused before any fetch.
    const before = fetched.length;
    expect((await post(signed(bounce, 'https://evil.example.com/cert.pem'))).status).toBe(403);
    expect(fetched.slice(before)).toEqual([]);
    expect((await api.deps.db.lead.findUniqueOrThrow({ where: { id: a.lead.id } })).status).toBe(
      'active',
    );

    const ok = await post(signed(bounce));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ applied: 1 });
    expect((await api.deps.db.lead.findUniqueOrThrow({ where: { id: a.lead.id } })).status).toBe(
      'bounced',
    );
    expect((await api.deps.db.message.findUniqueOrThrow({ where: { id: a.msg.id } })).status).toBe(
      'bounced',
    );

    const b = await fixture();
    const complaint = note({
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: b.lead.email }],
        complaintFeedbackType: 'abuse',
      },
      mail: {
        messageId: 'ses-id-2',
        // The signed token in the original headers (SES includes them when asked to).
        headers: [
          { name: 'X-Kindling-Message', value: verpTokenFor(api.deps.config.appSecret, b.msg.id) },
        ],
        commonHeaders: { messageId: b.msg.messageIdHeader },
      },
    });
    expect((await post(signed(complaint))).status).toBe(200);
    expect((await api.deps.db.lead.findUniqueOrThrow({ where: { id: b.lead.id } })).status).toBe(
      'complained',
    );
    const s = await api.deps.db.suppression.findFirstOrThrow({ where: { email: b.lead.email } });
    expect(s.reason).toBe('complaint');
    expect((await post('not json')).status).toBe(400);
  });

  it('a validly signed SNS notification without our token is held for review, nothing applied', async () => {
    const c = await fixture();
    const other = `other-${randomUUID().slice(0, 6)}@example.org`;
    // Any AWS account can sign SNS messages: a real Message-ID and addresses prove nothing.
    const forged = note({
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: c.lead.email }, { emailAddress: other }],
      },
      mail: {
        messageId: 'ses-id-3',
        source: 'news@acme.example',
        headers: [{ name: 'X-Kindling-Message', value: c.msg.id }],
        commonHeaders: { messageId: c.msg.messageIdHeader },
      },
    });
    const res = await post(signed(forged));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 0, review: true });
    expect((await api.deps.db.lead.findUniqueOrThrow({ where: { id: c.lead.id } })).status).toBe(
      'active',
    );
    expect(
      await api.deps.db.suppression.count({ where: { email: { in: [c.lead.email, other] } } }),
    ).toBe(0);
    const held = await client.get('/api/sending/inbound-reviews');
    expect(held.status).toBe(200);
    const item = (
      held.body as { messageId: string; kind: string; reason: string; namedRecipients: string[] }[]
    ).find((r) => r.messageId === c.msg.id);
    expect(item).toMatchObject({
      kind: 'ses_complaint',
      reason: 'no_token',
      namedRecipients: [c.lead.email, other],
    });

    // Proven by the token in mail.source, but naming another address: only our recipient is hit.
    const proven = note({
      notificationType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: other }] },
      mail: { messageId: 'ses-id-4', source: c.source },
    });
    expect(await (await post(signed(proven))).json()).toEqual({ applied: 1 });
    expect((await api.deps.db.lead.findUniqueOrThrow({ where: { id: c.lead.id } })).status).toBe(
      'bounced',
    );
    expect(await api.deps.db.suppression.count({ where: { email: other } })).toBe(0);
  });
});
