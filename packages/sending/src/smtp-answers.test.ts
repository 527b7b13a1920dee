// The classifier against answers mailbox providers really give (texts as published in Gmail's,
// Microsoft's and Yahoo's postmaster documentation and as seen in bounce logs).
import { describe, expect, it } from 'vitest';
import {
  backsOffProvider,
  bouncesRecipient,
  classifySmtpAnswer,
  pausesIdentity,
  type SmtpClass,
} from './smtp-answers.js';

const CASES: [number, string, SmtpClass][] = [
  [
    421,
    '421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.',
    'rate',
  ],
  [
    421,
    '421-4.7.0 This message is suspicious due to the very low reputation of the sending IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.',
    'reputation',
  ],
  [
    550,
    '550-5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.',
    'content',
  ],
  [
    550,
    "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. Please contact the administrator of example.com domain.",
    'auth',
  ],
  [
    550,
    '550-5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.',
    'auth',
  ],
  [
    421,
    '421-4.7.27 This mail has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.',
    'auth',
  ],
  [
    550,
    "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
    'mailbox',
  ],
  [550, '550-5.2.1 The email account that you tried to reach is disabled.', 'mailbox'],
  [
    452,
    "452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp",
    'mailbox_full',
  ],
  [
    450,
    '450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.',
    'recipient_rate',
  ],
  [
    451,
    '451 4.7.650 The mail server [203.0.113.7] has been temporarily rate limited due to IP reputation.',
    'reputation',
  ],
  [
    550,
    "550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
    'blocklist',
  ],
  [
    550,
    '550 5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this list please forward this message to delist@messaging.microsoft.com.',
    'blocklist',
  ],
  [550, '550 5.5.0 Requested action not taken: mailbox unavailable', 'mailbox'],
  [
    421,
    '421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel',
    'rate',
  ],
  [
    421,
    '421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
    'rate',
  ],
  [
    421,
    '421 4.7.0 [TSS09] All messages from 203.0.113.7 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes',
    'reputation',
  ],
  [
    554,
    '554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes',
    'policy',
  ],
  [
    554,
    '554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org',
    'blocklist',
  ],
  [
    450,
    '450 4.7.1 <a@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html',
    'temporary',
  ],
  [
    550,
    '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    'mailbox',
  ],
  [552, '552 5.2.2 Mailbox full', 'mailbox_full'],
  [451, '451 4.3.0 Error: queue file write error', 'temporary'],
  [554, '554 Transaction failed', 'permanent'],
];

describe('classifySmtpAnswer', () => {
  it.each(CASES)('%i %s -> %s', (code, text, expected) => {
    expect(classifySmtpAnswer(code, text).class).toBe(expected);
  });

  it('reads the code from the text when nodemailer gives none, and says which rule matched', () => {
    const v = classifySmtpAnswer(undefined, '550 5.1.1 user unknown');
    expect(v).toEqual({ class: 'mailbox', permanent: true, rule: 'mailbox-code' });
    // A DSN Status without a reply code: its class digit decides.
    expect(classifySmtpAnswer(undefined, '5.1.1 X-Postfix; unknown user')).toMatchObject({
      class: 'mailbox',
      permanent: true,
    });
    expect(classifySmtpAnswer(undefined, '4.2.2 mailbox full').permanent).toBe(false);
    expect(classifySmtpAnswer(undefined, 'garbage').class).toBe('unknown');
  });

  it('bounces the recipient only for address problems, backs off only for rate and reputation, pauses the identity for authentication and block lists', () => {
    const at = (code: number, text: string) => classifySmtpAnswer(code, text);
    expect(bouncesRecipient(at(550, '550 5.1.1 user unknown'))).toBe(true);
    expect(
      bouncesRecipient(at(550, '550-5.7.26 Unauthenticated email is not accepted due to DMARC')),
    ).toBe(false);
    expect(bouncesRecipient(at(554, '554 5.7.1 blocked using zen.spamhaus.org'))).toBe(false);
    expect(backsOffProvider(at(421, '421-4.7.28 unusual rate'))).toBe(true);
    expect(backsOffProvider(at(452, '452-4.2.2 out of storage space'))).toBe(false);
    expect(pausesIdentity(at(550, '550-5.7.26 Unauthenticated email, DMARC'))).toBe(true);
    expect(pausesIdentity(at(554, '554 5.7.1 blocked using zen.spamhaus.org'))).toBe(true);
    expect(pausesIdentity(at(550, '550 5.1.1 user unknown'))).toBe(false);
  });
});
