// Amazon SES bounce and complaint notifications arrive as SNS HTTP(S) messages. Nothing in the
// body can be trusted until its signature verifies against the certificate at SigningCertURL,
// and that URL must itself be an SNS host, or anyone could sign with their own certificate.
import { createVerify } from 'node:crypto';

export interface SnsMessage {
  /** Notification, SubscriptionConfirmation or UnsubscribeConfirmation. */
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Signature: string;
  SignatureVersion: string;
  SigningCertURL: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
}

/** Fetches a PEM certificate; injectable so tests can serve a locally generated one. */
export type CertFetcher = (url: string) => Promise<string>;

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** True for https://sns.<region>.amazonaws.com/....pem, the only places SNS certificates live. */
export function isSnsCertUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' &&
      SNS_HOST.test(u.hostname) &&
      u.pathname.endsWith('.pem') &&
      !u.username &&
      !u.port
    );
  } catch {
    return false;
  }
}

/** The production certificate fetcher: SNS hosts only, cached per URL. */
export function snsCertFetcher(fetchImpl: typeof fetch = fetch): CertFetcher {
  const cache = new Map<string, Promise<string>>();
  return (url) => {
    if (!isSnsCertUrl(url))
      return Promise.reject(new Error(`SigningCertURL is not an SNS host: ${url}`));
    let p = cache.get(url);
    if (!p) {
      p = fetchImpl(url, { redirect: 'error' }).then(async (res) => {
        if (!res.ok) throw new Error(`certificate fetch answered ${res.status}`);
        const pem = await res.text();
        if (!pem.includes('BEGIN CERTIFICATE'))
          throw new Error('SigningCertURL did not return a PEM certificate');
        return pem;
      });
      p.catch(() => cache.delete(url));
      cache.set(url, p);
    }
    return p;
  };
}

/** The canonical string SNS signs for a message of its type. */
export function snsStringToSign(msg: SnsMessage): string {
  const keys =
    msg.Type === 'Notification'
      ? [
          'Message',
          'MessageId',
          ...(msg.Subject !== undefined ? ['Subject'] : []),
          'Timestamp',
          'TopicArn',
          'Type',
        ]
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys.map((k) => `${k}\n${(msg as unknown as Record<string, string>)[k] ?? ''}\n`).join('');
}

/** Verifies an SNS message's signature (versions 1 and 2); throws with the reason when it fails. */
export async function verifySnsMessage(msg: SnsMessage, fetchCert: CertFetcher): Promise<void> {
  for (const k of [
    'Type',
    'MessageId',
    'Message',
    'Timestamp',
    'TopicArn',
    'Signature',
    'SigningCertURL',
  ] as const) {
    if (typeof msg[k] !== 'string') throw new Error(`SNS message lacks ${k}`);
  }
  const algorithm =
    msg.SignatureVersion === '1' ? 'RSA-SHA1' : msg.SignatureVersion === '2' ? 'RSA-SHA256' : null;
  if (!algorithm) throw new Error(`unsupported SignatureVersion ${msg.SignatureVersion}`);
  // Checked here too, whatever fetcher is injected: the host rule is the trust anchor.
  if (!isSnsCertUrl(msg.SigningCertURL))
    throw new Error(`SigningCertURL is not an SNS host: ${msg.SigningCertURL}`);
  const pem = await fetchCert(msg.SigningCertURL);
  const ok = createVerify(algorithm)
    .update(snsStringToSign(msg), 'utf8')
    .verify(pem, msg.Signature, 'base64');
  if (!ok) throw new Error('SNS signature does not verify');
}

export interface SesEvent {
  kind: 'hard_bounce' | 'soft_bounce' | 'complaint';
  email: string;
  /** Message-ID header of the original (matches Message.messageIdHeader). */
  messageIdHeader: string | null;
  kindlingMessageId: string | null;
  detail: string;
}

interface SesNotification {
  notificationType?: string;
  eventType?: string;
  mail?: { commonHeaders?: { messageId?: string }; headers?: { name: string; value: string }[] };
  bounce?: {
    bounceType?: string;
    bounceSubType?: string;
    bouncedRecipients?: { emailAddress: string; status?: string; diagnosticCode?: string }[];
  };
  complaint?: { complainedRecipients?: { emailAddress: string }[]; complaintFeedbackType?: string };
}

/** Turns an SES notification (the SNS Message body) into bounce/complaint events. */
export function parseSesNotification(body: string): SesEvent[] {
  let n: SesNotification;
  try {
    n = JSON.parse(body) as SesNotification;
  } catch {
    return [];
  }
  const type = n.notificationType ?? n.eventType;
  const headers = n.mail?.headers ?? [];
  const header = (name: string) =>
    headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
  const messageIdHeader = n.mail?.commonHeaders?.messageId ?? header('message-id');
  const kindlingMessageId = header('x-kindling-message');
  if (type === 'Bounce' && n.bounce) {
    const hard = n.bounce.bounceType === 'Permanent';
    return (n.bounce.bouncedRecipients ?? []).map((r) => ({
      kind: hard ? ('hard_bounce' as const) : ('soft_bounce' as const),
      email: r.emailAddress.toLowerCase(),
      messageIdHeader,
      kindlingMessageId,
      detail:
        `SES ${n.bounce?.bounceType}/${n.bounce?.bounceSubType ?? ''} ${r.status ?? ''} ${r.diagnosticCode ?? ''}`.trim(),
    }));
  }
  if (type === 'Complaint' && n.complaint) {
    return (n.complaint.complainedRecipients ?? []).map((r) => ({
      kind: 'complaint' as const,
      email: r.emailAddress.toLowerCase(),
      messageIdHeader,
      kindlingMessageId,
      detail: `SES complaint ${n.complaint?.complaintFeedbackType ?? ''}`.trim(),
    }));
  }
  return [];
}
