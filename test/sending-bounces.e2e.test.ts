// Bounces and complaints through real peers: a real Postfix on loopback that bounces unknown
// users sends its real DSN to the product's inbound SMTP listener (VERP return path), a 550 at
// RCPT is a synchronous hard bounce, a 450 defers; and the RFC 3464 / RFC 5965 example reports,
// adapted to our VERP addresses, fed to the same listener.
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emailSendJobId } from '@kindling/queue';
import { verpTokenFor } from '@kindling/sending';
import { freePort, startProduct, type Product } from './support/product.js';
import { startBouncingPostfix, type BouncingPostfix } from './support/postfix.js';
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

const RETURN_DOMAIN = 'kindling.test';
let product: Product;
let postfix: BouncingPostfix;
let f: Fixtures;
let inboundPort: number;

beforeAll(async () => {
  inboundPort = await freePort();
  postfix = await startBouncingPostfix(RETURN_DOMAIN, inboundPort);
  product = await startProduct({
    INBOUND_SMTP_PORT: String(inboundPort),
    SOFT_BOUNCE_LIMIT: '2',
    // The operator's explicit allowance for the loopback Postfix (tenants' relays are guarded).
    EGRESS_ALLOW: `127.0.0.1:${postfix.port}`,
  });
  f = openFixtures();
});

afterAll(async () => {
  await product?.stop();
  await postfix?.stop();
  await f?.close();
});

async function setup(leadEmail: string) {
  const ws = await createWorkspace(f.db, 'bounce test');
  const identity = await createIdentity(f.db, ws.id, {
    smtpUrl: postfix.url,
    returnPathDomain: RETURN_DOMAIN,
  });
  const lead = await createLead(f.db, ws.id, leadEmail);
  return { ws, identity, lead };
}

const leadOf = (id: string) => f.db.lead.findUniqueOrThrow({ where: { id } });
const messageOf = (id: string) => f.db.message.findUniqueOrThrow({ where: { id } });

it('a real Postfix DSN for an unknown user reaches the inbound listener and suppresses the lead', async () => {
  const { ws, identity, lead } = await setup(
    `unknown-${randomUUID().slice(0, 8)}@bounce-test.example`,
  );
  const msg = await queueMessage(f, {
    workspaceId: ws.id,
    identityId: identity.id,
    leadId: lead.id,
    toEmail: lead.email,
  });
  // Postfix accepts the message (250), then local delivery fails and it mails a DSN back.
  // The message's status is written last, so it is the signal to wait for.
  await until(
    async () => (await messageOf(msg.id)).status === 'bounced',
    60_000,
    async () =>
      `lead ${(await leadOf(lead.id)).status}, message ${(await messageOf(msg.id)).status}\n${postfix.log().slice(-3000)}\n${product.logs().slice(-2000)}`,
  );
  const m = await messageOf(msg.id);
  expect(m.smtpResponse).toMatch(/^250/);
  expect((await leadOf(lead.id)).status).toBe('bounced');
  expect(m.lastError).toMatch(/5\.1\.1/);
  const s = await f.db.suppression.findUniqueOrThrow({
    where: { workspaceId_email: { workspaceId: ws.id, email: lead.email } },
  });
  expect(s.reason).toBe('hard_bounce');
  expect(postfix.log()).toMatch(/status=bounced/);
  expect(await f.db.trackingEvent.count({ where: { messageId: msg.id, type: 'bounce' } })).toBe(1);
});

it('a 550 "rejected as spam" at RCPT fails the message and leaves the lead alone; a 450 full mailbox defers without backing the provider off', async () => {
  const blocked = await setup(`x-${randomUUID().slice(0, 8)}@blocked.example`);
  const m1 = await queueMessage(f, {
    workspaceId: blocked.ws.id,
    identityId: blocked.identity.id,
    leadId: blocked.lead.id,
    toEmail: blocked.lead.email,
  });
  const full = await setup(`y-${randomUUID().slice(0, 8)}@full.example`);
  const m2 = await queueMessage(f, {
    workspaceId: full.ws.id,
    identityId: full.identity.id,
    leadId: full.lead.id,
    toEmail: full.lead.email,
  });
  await until(
    async () => (await messageOf(m1.id)).status === 'failed',
    30_000,
    async () => `${(await messageOf(m1.id)).status}`,
  );
  // A refusal of the content is the sender's problem, not the address's (smtp-answers.ts).
  expect(await messageOf(m1.id)).toMatchObject({ smtpClass: 'content' });
  expect((await messageOf(m1.id)).smtpResponse).toMatch(/^550 5\.7\.1/);
  expect((await leadOf(blocked.lead.id)).status).toBe('active');
  await until(
    async () => (await messageOf(m2.id)).status === 'deferred',
    30_000,
    async () => `${(await messageOf(m2.id)).status}`,
  );
  const d = await messageOf(m2.id);
  expect(d.smtpResponse).toMatch(/^450 4\.2\.2/);
  expect(d.smtpClass).toBe('mailbox_full');
  expect((await leadOf(full.lead.id)).status).toBe('active');
  // One recipient's full mailbox says nothing about the provider: no back-off for the pool
  // (a rate answer does set one: email-send-answers.integration.test.ts).
  expect(
    await f.redis.pttl(`kindling:thr:backoff:${full.ws.id}:${full.identity.ipPool}:other`),
  ).toBe(-2);
  // Do not leave a retrying job behind in the shared queue.
  await f.db.message.update({ where: { id: m2.id }, data: { status: 'failed' } });
  await f.queue.remove(emailSendJobId(m2.id)).catch(() => undefined);
});

async function deliverToInbound(to: string, raw: string): Promise<void> {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: inboundPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await t.sendMail({ envelope: { from: '', to: [to] }, raw });
  } finally {
    t.close();
  }
}

// RFC 3464 section 10.1 "Simple DSN" (a 4.0.0 failure) and 10.2 "Multi-Recipient DSN"
// (5.0.0 user unknown), addressed to our VERP return path.
function rfc3464(
  verp: string,
  rcpt: string,
  status: string,
  diag: string,
  originalHeaders: string,
): string {
  return [
    'Date: Thu, 7 Jul 1994 17:16:05 -0400',
    'From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>',
    'Message-Id: <199407072116.RAA14128@CS.UTK.EDU>',
    'Subject: Returned mail: Cannot send message for 5 days',
    `To: <${verp}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    '    boundary="RAA14128.773615765/CS.UTK.EDU"',
    '',
    '--RAA14128.773615765/CS.UTK.EDU',
    '',
    '   The original message was received at Sat, 2 Jul 1994 17:10:28 -0400',
    '   from root@localhost',
    '',
    '      ----- The following addresses had delivery problems -----',
    `<${rcpt}>  (unrecoverable error)`,
    '',
    '--RAA14128.773615765/CS.UTK.EDU',
    'content-type: message/delivery-status',
    '',
    'Reporting-MTA: dns; cs.utk.edu',
    '',
    `Original-Recipient: rfc822;${rcpt}`,
    `Final-Recipient: rfc822;${rcpt}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diag}`,
    'Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400',
    '',
    '--RAA14128.773615765/CS.UTK.EDU',
    'content-type: message/rfc822',
    '',
    originalHeaders,
    '',
    'original body',
    '--RAA14128.773615765/CS.UTK.EDU--',
    '',
  ].join('\r\n');
}

// RFC 5965 appendix B.1, the "simple" ARF report, about one of our messages (found by its
// Message-ID in the returned original, as feedback loops strip or keep other headers at will).
function rfc5965(rcpt: string, verp: string, messageIdHeader: string): string {
  return [
    'From: <abusedesk@example.com>',
    'Date: Thu, 8 Mar 2005 17:40:36 EDT',
    'Subject: FW: Earn money',
    `To: <fbl@${RETURN_DOMAIN}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report;',
    '     boundary="part1_13d.2e68ed54_boundary"',
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: text/plain; charset="US-ASCII"',
    'Content-Transfer-Encoding: 7bit',
    '',
    'This is an email abuse report for an email message received from IP',
    '192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.  For more information',
    'about this format please see http://www.mipassoc.org/arf/.',
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: SomeGenerator/1.0',
    'Version: 1',
    `Original-Mail-From: <${verp}>`,
    `Original-Rcpt-To: <${rcpt}>`,
    'Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT',
    'Reporting-MTA: dns; mail.example.com',
    'Source-IP: 192.0.2.1',
    'Authentication-Results: mail.example.com;',
    '               spf=fail smtp.mail=somespammer@example.com',
    'Reported-Domain: example.net',
    'Reported-Uri: http://example.net/earn_money.html',
    `Reported-Uri: mailto:${rcpt}`,
    `Removal-Recipient: ${rcpt}`,
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    'From: <news@example.net>',
    'Received: from mailserver.example.net (mailserver.example.net',
    '     [192.0.2.1]) by example.com with ESMTP id M63d4137594e46;',
    '     Thu, 08 Mar 2005 14:00:00 -0400',
    `To: <${rcpt}>`,
    'Subject: Earn money',
    'MIME-Version: 1.0',
    'Content-type: text/plain',
    `Message-ID: ${messageIdHeader}`,
    'Date: Thu, 02 Sep 2004 12:31:03 -0500',
    '',
    'Spam Spam Spam',
    'Spam Spam Spam',
    '--part1_13d.2e68ed54_boundary--',
    '',
  ].join('\r\n');
}

async function sentMessage() {
  const ws = await createWorkspace(f.db, 'report test');
  const identity = await createIdentity(f.db, ws.id, {
    smtpUrl: null,
    returnPathDomain: RETURN_DOMAIN,
  });
  const lead = await createLead(f.db, ws.id);
  const msg = await queueMessage(f, {
    workspaceId: ws.id,
    identityId: identity.id,
    leadId: lead.id,
    toEmail: lead.email,
  });
  await until(
    async () => (await messageOf(msg.id)).status === 'sent',
    30_000,
    async () => (await messageOf(msg.id)).status,
  );
  const verp = `bounces+${verpTokenFor(E2E_SECRET, msg.id)}@${RETURN_DOMAIN}`;
  return { ws, lead, msg, verp };
}

it('RFC 3464 DSNs: a 4.x.x failure counts a soft bounce; at the limit, or on 5.x.x, the lead is suppressed', async () => {
  const a = await sentMessage();
  const headers = `Message-ID: ${a.msg.messageIdHeader}\r\nSubject: hi`;
  await deliverToInbound(
    a.verp,
    rfc3464(a.verp, a.lead.email, '4.0.0', '426 connection timed out', headers),
  );
  await until(
    async () => (await leadOf(a.lead.id)).softBounceCount === 1,
    20_000,
    async () => JSON.stringify(await leadOf(a.lead.id)),
  );
  expect((await leadOf(a.lead.id)).status).toBe('active');
  // The same report again (an MTA retry) is not counted twice.
  await deliverToInbound(
    a.verp,
    rfc3464(a.verp, a.lead.email, '4.0.0', '426 connection timed out', headers),
  );
  expect((await leadOf(a.lead.id)).softBounceCount).toBe(1);
  // A second, different soft bounce reaches SOFT_BOUNCE_LIMIT=2.
  await deliverToInbound(
    a.verp,
    rfc3464(a.verp, a.lead.email, '4.2.2', '452 mailbox full', headers),
  );
  await until(
    async () => (await leadOf(a.lead.id)).status === 'bounced',
    20_000,
    async () => JSON.stringify(await leadOf(a.lead.id)),
  );
  expect(
    (
      await f.db.suppression.findUniqueOrThrow({
        where: { workspaceId_email: { workspaceId: a.ws.id, email: a.lead.email } },
      })
    ).reason,
  ).toBe('soft_bounce');

  const b = await sentMessage();
  await deliverToInbound(
    b.verp,
    rfc3464(b.verp, b.lead.email, '5.0.0', '550 user unknown', `Subject: hi`),
  );
  await until(
    async () => (await messageOf(b.msg.id)).status === 'bounced',
    20_000,
    async () => JSON.stringify(await leadOf(b.lead.id)),
  );
  expect((await leadOf(b.lead.id)).status).toBe('bounced');
  expect(
    (
      await f.db.suppression.findUniqueOrThrow({
        where: { workspaceId_email: { workspaceId: b.ws.id, email: b.lead.email } },
      })
    ).reason,
  ).toBe('hard_bounce');
});

it('an RFC 5965 ARF report to the feedback address marks the lead complained and suppresses it', async () => {
  const c = await sentMessage();
  await deliverToInbound(
    `fbl@${RETURN_DOMAIN}`,
    rfc5965(c.lead.email, c.verp, c.msg.messageIdHeader),
  );
  await until(
    async () => (await leadOf(c.lead.id)).status === 'complained',
    20_000,
    async () => JSON.stringify(await leadOf(c.lead.id)),
  );
  expect((await leadOf(c.lead.id)).unsubscribedAt).not.toBeNull();
  expect(
    (
      await f.db.suppression.findUniqueOrThrow({
        where: { workspaceId_email: { workspaceId: c.ws.id, email: c.lead.email } },
      })
    ).reason,
  ).toBe('complaint');
  expect(
    await f.db.trackingEvent.count({ where: { messageId: c.msg.id, type: 'complaint' } }),
  ).toBe(1);
  // A forged VERP token is refused outright; mail for other local parts too.
  await expect(
    deliverToInbound(`bounces+${'0'.repeat(42)}@${RETURN_DOMAIN}`, 'Subject: x\r\n\r\nx'),
  ).resolves.toBeUndefined();
  await expect(
    deliverToInbound(`postmaster@${RETURN_DOMAIN}`, 'Subject: x\r\n\r\nx'),
  ).rejects.toThrow(/550/);
});

// An ARF report with an arbitrary Original-Rcpt-To and no VERP Original-Mail-From, whose
// returned original names the message by `headers` only.
function arfNaming(namedRcpt: string, originalHeaders: string): string {
  return rfc5965(namedRcpt, 'someone@elsewhere.example', '<x@y>')
    .replace(/Original-Mail-From: <[^>]*>\r\n/, '')
    .replace(/Message-ID: <x@y>/, originalHeaders);
}

const suppressed = (workspaceId: string, emails: string[]) =>
  f.db.suppression.count({ where: { workspaceId, email: { in: emails } } });
const reviewsOf = (workspaceId: string) =>
  f.db.inboundReview.findMany({ where: { workspaceId }, orderBy: { receivedAt: 'asc' } });

it('a forged ARF (real message id, other Original-Rcpt-To) and forged DSNs are held for review, nothing suppressed', async () => {
  const c = await sentMessage();
  const victims = [`victim-a-${randomUUID().slice(0, 6)}@x.example`, 'victim-b@x.example'];
  // The probe from the issue: the real id in X-Kindling-Message (unsigned), another address named.
  await deliverToInbound(
    `fbl@${RETURN_DOMAIN}`,
    arfNaming(
      victims[0]!,
      `X-Kindling-Message: ${c.msg.id}\r\nMessage-ID: ${c.msg.messageIdHeader}\r\nCc: <${victims[1]}>`,
    ),
  );
  // A DSN to a VERP address whose tag was tampered with, naming the real message's Message-ID.
  const real = verpTokenFor(E2E_SECRET, c.msg.id);
  const tampered = `bounces+${real.slice(0, 32)}${real.endsWith('A') ? 'B' : 'A'}${real.slice(33)}@${RETURN_DOMAIN}`;
  await deliverToInbound(
    tampered,
    rfc3464(
      tampered,
      victims[0]!,
      '5.1.1',
      '550 no such user',
      `Message-ID: ${c.msg.messageIdHeader}`,
    ),
  );
  // A DSN to the feedback address with no token at all.
  await deliverToInbound(
    `fbl@${RETURN_DOMAIN}`,
    rfc3464(
      `fbl@${RETURN_DOMAIN}`,
      c.lead.email,
      '5.1.1',
      '550 gone',
      `Message-ID: ${c.msg.messageIdHeader}`,
    ),
  );

  // The listener answers only after storing: no waiting needed.
  expect(await suppressed(c.ws.id, [...victims, c.lead.email])).toBe(0);
  expect((await leadOf(c.lead.id)).status).toBe('active');
  expect((await messageOf(c.msg.id)).status).toBe('sent');
  expect(await f.db.trackingEvent.count({ where: { messageId: c.msg.id } })).toBe(0);
  const held = await reviewsOf(c.ws.id);
  expect(held.map((r) => [r.kind, r.reason])).toEqual([
    ['arf', 'no_token'],
    ['dsn', 'bad_signature'],
    ['dsn', 'no_token'],
  ]);
  expect(held.every((r) => r.messageId === c.msg.id && r.source === 'smtp')).toBe(true);
  expect(held[0]!.namedRecipients).toEqual([victims[0]]);
  expect(held[0]!.excerpt).toContain('Feedback-Type: abuse');
  expect(held[1]!.envelopeTo).toBe(tampered);
});

it('a genuine ARF proven by the signed X-Kindling-Message token marks only that message’s recipient', async () => {
  const c = await sentMessage();
  const named = `named-${randomUUID().slice(0, 6)}@x.example`;
  await deliverToInbound(
    `fbl@${RETURN_DOMAIN}`,
    arfNaming(named, `X-Kindling-Message: ${verpTokenFor(E2E_SECRET, c.msg.id)}`),
  );
  expect((await leadOf(c.lead.id)).status).toBe('complained');
  expect(await suppressed(c.ws.id, [c.lead.email])).toBe(1);
  expect(await suppressed(c.ws.id, [named])).toBe(0);
  expect(await reviewsOf(c.ws.id)).toEqual([]);
  // The delivered message carried the token, and no workspace id.
  const caught = await f.db.caughtMessage.findFirstOrThrow({ where: { messageId: c.msg.id } });
  expect(caught.workspaceId).toBe(c.ws.id);
  expect(caught.raw).toContain(`X-Kindling-Message: ${verpTokenFor(E2E_SECRET, c.msg.id)}`);
  expect(caught.raw).not.toMatch(/X-Kindling-Workspace/i);
  expect(caught.raw).not.toContain(c.ws.id);
});
