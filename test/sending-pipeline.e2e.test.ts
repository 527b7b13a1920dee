// The send pipeline end to end through the built product: email.send jobs, the claim, the
// identity's pooled transport into Postfix's smtp-sink (a real SMTP server), DKIM checked by
// python3-dkim, and the built-in dev mail catcher for identities without a relay.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verpTokenFor } from '@kindling/sending';
import { startProduct, type Product } from './support/product.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import {
  E2E_SECRET,
  createIdentity,
  createLead,
  createWorkspace,
  openFixtures,
  queueMessage,
  until,
  type Fixtures,
} from './support/sending-fixtures.js';

let product: Product;
let sink: SmtpSink;
let f: Fixtures;

beforeAll(async () => {
  sink = await startSmtpSink();
  // The operator's explicit allowance for this loopback relay (tenants' relays are guarded).
  product = await startProduct({ EGRESS_ALLOW: `127.0.0.1:${sink.port}` });
  f = openFixtures();
});

afterAll(async () => {
  await product?.stop();
  await sink?.stop();
  await f?.close();
});

const statusOf = async (id: string) =>
  (await f.db.message.findUniqueOrThrow({ where: { id } })).status;

function dkimVerify(raw: Buffer, publicKey: string): string {
  const script =
    'import sys, dkim\nmsg = sys.stdin.buffer.read()\nprint(dkim.verify(msg, dnsfunc=lambda name, timeout=5: b"v=DKIM1; k=rsa; p=" + sys.argv[1].encode()))';
  const res = spawnSync('/usr/bin/python3', ['-c', script, publicKey], {
    input: raw,
    encoding: 'utf8',
  });
  return (res.stdout + res.stderr).trim();
}

it('sends through smtp-sink with a DKIM signature python3-dkim verifies, List-Unsubscribe signed', async () => {
  const ws = await createWorkspace(f.db);
  const identity = await createIdentity(f.db, ws.id, {
    smtpUrl: sink.url,
    dkim: true,
    returnPathDomain: 'bounces.kindling.test',
  });
  const lead = await createLead(f.db, ws.id);
  const msg = await queueMessage(f, {
    workspaceId: ws.id,
    identityId: identity.id,
    leadId: lead.id,
    toEmail: lead.email,
  });
  await until(
    async () => (await statusOf(msg.id)) === 'sent',
    30_000,
    async () => `status ${await statusOf(msg.id)}\n${product.logs()}`,
  );

  const row = await f.db.message.findUniqueOrThrow({ where: { id: msg.id } });
  expect(row.claimedBy).toBeTruthy();
  expect(row.attempts).toBe(1);
  expect(row.smtpResponse).toMatch(/^250/);

  const raw = sink.messages().find((b) => b.includes(verpTokenFor(E2E_SECRET, msg.id)));
  expect(raw, 'smtp-sink dumped the message').toBeDefined();
  const text = raw!.toString();
  // smtp-sink writes the envelope first as X-* lines; the message itself follows.
  expect(text).toMatch(/bounces\+[0-9a-f]{32}[A-Za-z0-9_-]{10}@bounces\.kindling\.test/);
  const message = Buffer.from(text.slice(text.search(/^DKIM-Signature:/m)));
  expect(dkimVerify(message, identity.dkimPublicKey!)).toBe('True');
  const sig = /^DKIM-Signature:(.*(?:\r?\n[ \t].*)*)/m
    .exec(message.toString())![1]!
    .replace(/\s+/g, '');
  const signed = /;h=([^;]+)/.exec(sig)![1]!.toLowerCase().split(':');
  expect(signed).toEqual(
    expect.arrayContaining([
      'list-unsubscribe',
      'list-unsubscribe-post',
      'from',
      'subject',
      'message-id',
    ]),
  );
  expect(message.toString()).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  expect(message.toString()).toContain(`Message-ID: ${row.messageIdHeader}`);
  expect(message.toString()).toContain('Subject: Hello Ann');
  expect(message.toString()).toContain('multipart/alternative');
});

it('skips a suppressed address at send time and never talks SMTP', async () => {
  const ws = await createWorkspace(f.db);
  const identity = await createIdentity(f.db, ws.id, { smtpUrl: sink.url });
  const lead = await createLead(f.db, ws.id);
  await f.db.suppression.create({
    data: { workspaceId: ws.id, email: lead.email, reason: 'manual' },
  });
  const msg = await queueMessage(f, {
    workspaceId: ws.id,
    identityId: identity.id,
    leadId: lead.id,
    toEmail: lead.email,
  });
  await until(
    async () => (await statusOf(msg.id)) === 'suppressed',
    30_000,
    async () => `status ${await statusOf(msg.id)}`,
  );
  const row = await f.db.message.findUniqueOrThrow({ where: { id: msg.id } });
  expect(row.claimedAt).toBeNull();
  expect(sink.messages().some((b) => b.includes(verpTokenFor(E2E_SECRET, msg.id)))).toBe(false);
});

it('delivers to the dev mail catcher when there is no relay, stored in Postgres', async () => {
  const ws = await createWorkspace(f.db);
  const identity = await createIdentity(f.db, ws.id, { smtpUrl: null });
  const lead = await createLead(f.db, ws.id);
  const msg = await queueMessage(f, {
    workspaceId: ws.id,
    identityId: identity.id,
    leadId: lead.id,
    toEmail: lead.email,
    subject: 'Caught Ann',
  });
  const noIdentity = await queueMessage(f, { workspaceId: ws.id, toEmail: `x-${lead.email}` });
  const caught = await until(
    async () => {
      const rows = await f.db.caughtMessage.findMany({ where: { workspaceId: ws.id } });
      return rows.length === 2 ? rows : null;
    },
    30_000,
    async () =>
      `statuses ${await statusOf(msg.id)} ${await statusOf(noIdentity.id)}\n${product.logs()}`,
  );
  const mine = caught.find((c) => c.messageId === msg.id)!;
  expect(mine.subject).toBe('Caught Ann');
  expect(mine.envelopeTo).toEqual([lead.email]);
  expect(mine.raw).toContain('List-Unsubscribe:');
  expect(await statusOf(msg.id)).toBe('sent');
  expect(sink.messages().some((b) => b.includes(verpTokenFor(E2E_SECRET, msg.id)))).toBe(false);
});
