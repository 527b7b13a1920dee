import { spawnSync } from 'node:child_process';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import {
  buildMessage,
  dailyCap,
  decryptSecret,
  encryptSecret,
  generateDkimKeyPair,
  messageIdFromVerpToken,
  parseInboundReport,
  verpTokenFor,
  warmupDay,
} from './index.js';
import { verifyToken } from './tokens.js';

const secret = 'k'.repeat(40);
const msgId = '01937f2a-7b1c-7d4e-8f00-0123456789ab';

function input(extra: Partial<Parameters<typeof buildMessage>[0]> = {}) {
  return {
    message: {
      id: msgId,
      workspaceId: '01937f2a-0000-7000-8000-000000000001',
      leadId: '01937f2a-0000-7000-8000-000000000002',
      campaignId: '01937f2a-0000-7000-8000-000000000003',
      kind: 'campaign',
      toEmail: 'ann@example.org',
      subject: 'Hello Ann',
      messageIdHeader: '<abc@mail.example.com>',
    },
    from: { name: 'Acme', email: 'news@mail.example.com' },
    html: '<html><body><p>Hi <a href="https://example.com/a?x=1&amp;y=2">link</a></p></body></html>',
    postalAddress: '1 Main St, Springfield, US',
    workspaceName: 'Acme',
    tracking: { opens: true, clicks: true },
    appSecret: secret,
    trackingUrl: 'https://t.example.com',
    returnPathDomain: 'bounce.example.com',
    ipPool: 'shared',
    ...extra,
  };
}

async function compose(options: nodemailer.SendMailOptions): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await t.sendMail(options);
  return info.message as Buffer;
}

describe('secrets at rest', () => {
  it('round-trips and refuses a different key or a tampered value', () => {
    const sealed = encryptSecret(secret, 'smtp://u:p@host:25');
    expect(sealed).not.toContain('host');
    expect(decryptSecret(secret, sealed)).toBe('smtp://u:p@host:25');
    expect(() => decryptSecret('x'.repeat(40), sealed)).toThrow();
    expect(() => decryptSecret(secret, sealed.slice(0, -2) + 'AA')).toThrow();
  });
});

describe('warm-up curve', () => {
  it('starts small, grows x1.4 and caps at the target; explicit schedule wins', () => {
    const plan = { schedule: [], startVolume: 50, growthFactor: 1.4, targetVolume: 1000 };
    expect([1, 2, 3, 4].map((d) => dailyCap(plan, d))).toEqual([50, 70, 98, 137]);
    expect(dailyCap(plan, 40)).toBe(1000);
    expect(dailyCap({ ...plan, schedule: [5, 9] }, 2)).toBe(9);
    expect(
      warmupDay(new Date('2026-01-01T10:00:00Z'), Date.parse('2026-01-03T01:00:00Z'), 'UTC'),
    ).toBe(3);
  });
});

describe('VERP tokens', () => {
  it('carry the message id and reject forgeries', () => {
    const t = verpTokenFor(secret, msgId);
    expect(messageIdFromVerpToken(secret, t)).toBe(msgId);
    expect(
      messageIdFromVerpToken(secret, t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A')),
    ).toBeNull();
  });
});

describe('message building', () => {
  it('rewrites links, adds a pixel, footer, one-click unsubscribe and a VERP envelope', async () => {
    const opts = buildMessage(input());
    const raw = (await compose(opts)).toString();
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(raw).toMatch(
      /List-Unsubscribe: <https:\/\/t\.example\.com\/u\/[^>]+>, <mailto:unsubscribe\+/,
    );
    expect(raw).toContain('Message-ID: <abc@mail.example.com>');
    expect(raw).toContain('multipart/alternative');
    expect(raw).toContain('Feedback-ID:');
    const html = opts.html as string;
    const click = /href="https:\/\/t\.example\.com\/c\/([^"]+)"/.exec(html)?.[1];
    expect(verifyToken(secret, click!, 'click')?.u).toBe('https://example.com/a?x=1&y=2');
    expect(html).toMatch(/\/o\/[^"]+\.gif/);
    expect(html).toContain('1 Main St, Springfield, US');
    expect((opts.envelope as { from: string }).from).toBe(
      `bounces+${verpTokenFor(secret, msgId)}@bounce.example.com`,
    );
  });

  it('leaves links and pixel alone when tracking is off', () => {
    const html = buildMessage(input({ tracking: { opens: false, clicks: false } })).html as string;
    expect(html).toContain('href="https://example.com/a?x=1&amp;y=2"');
    expect(html).not.toContain('/o/');
  });

  it('is DKIM-signed so that python3-dkim verifies it, List-Unsubscribe headers included', async () => {
    const keys = generateDkimKeyPair();
    const raw = await compose(
      buildMessage(
        input({
          dkim: {
            domainName: 'mail.example.com',
            keySelector: 'k1',
            privateKey: keys.privateKeyPem,
          },
        }),
      ),
    );
    const script = `
import sys, dkim
msg = sys.stdin.buffer.read()
pub = sys.argv[1].encode()
ok = dkim.verify(msg, dnsfunc=lambda name, timeout=5: b"v=DKIM1; k=rsa; p=" + pub)
sig = dkim.DKIM(msg)
print("OK" if ok else "FAIL")
`;
    const res = spawnSync('/usr/bin/python3', ['-c', script, keys.publicKey], {
      input: raw,
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.stdout.split('\n')[0]).toBe('OK');
    const header = /^DKIM-Signature:(.*(?:\r\n[ \t].*)*)/im.exec(raw.toString())?.[1] ?? '';
    const signed = /;h=([^;]+)/.exec(header.replace(/\s+/g, ''))?.[1]?.toLowerCase().split(':');
    expect(signed).toContain('list-unsubscribe');
    expect(signed).toContain('list-unsubscribe-post');
    // Tampering with the signed unsubscribe header must break the signature.
    const tampered = Buffer.from(
      raw.toString().replace('List-Unsubscribe=One-Click', 'List-Unsubscribe=Two-Click'),
    );
    const res2 = spawnSync('/usr/bin/python3', ['-c', script, keys.publicKey], {
      input: tampered,
      encoding: 'utf8',
    });
    expect(res2.stdout.split('\n')[0]).toBe('FAIL');
  });
});

describe('inbound reports', () => {
  it('reads a DSN', () => {
    const dsn = [
      'From: MAILER-DAEMON@x.example',
      'To: bounces+tok@b.example',
      'Subject: Returned mail',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'failed',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; x.example',
      '',
      'Final-Recipient: rfc822; louisl@larry.slip.umd.edu',
      'Action: failed',
      'Status: 5.0.0',
      'Diagnostic-Code: smtp; 550 user unknown',
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      `X-Kindling-Message: ${msgId}`,
      'Message-ID: <abc@x>',
      '',
      '--B--',
      '',
    ].join('\r\n');
    const r = parseInboundReport(dsn);
    expect(r).toMatchObject({
      type: 'dsn',
      recipients: [
        { finalRecipient: 'louisl@larry.slip.umd.edu', action: 'failed', status: '5.0.0' },
      ],
      original: { kindlingHeader: msgId },
    });
  });
});

describe('relay echo headers', () => {
  it('carry the message token for the identity’s relay, and nothing for an identity without one', () => {
    const token = verpTokenFor(secret, msgId);
    const headers = (relayKind: string | null) =>
      buildMessage(input({ relayKind })).headers as Record<string, unknown>;
    expect(headers('mailgun')['X-Mailgun-Variables']).toBe(JSON.stringify({ kindling: token }));
    expect(headers('sendgrid')['X-SMTPAPI']).toBe(
      JSON.stringify({ unique_args: { kindling: token } }),
    );
    expect(headers('postmark')['X-PM-Metadata-kindling']).toBe(token);
    expect(headers('brevo')['X-Mailin-custom']).toBe(token);
    const plain = headers(null);
    expect(Object.keys(plain).sort()).toEqual(
      ['Feedback-ID', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'X-Kindling-Message'].sort(),
    );
  });
});
