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
  /** Addresses the notification names (never acted on by themselves). */
  recipients: string[];
  /** The envelope sender SES was given: our VERP address, carrying the signed message token. */
  source: string | null;
  /** X-Kindling-Message from the original headers (SES includes them when configured to). */
  kindlingHeader: string | null;
  /** Message-ID header of the original (unproven: only shows a review item to its workspace). */
  messageIdHeader: string | null;
  detail: string;
}

interface SesNotification {
  notificationType?: string;
  eventType?: string;
  mail?: {
    source?: string;
    commonHeaders?: { messageId?: string };
    headers?: { name: string; value: string }[];
  };
  bounce?: {
    bounceType?: string;
    bounceSubType?: string;
    bouncedRecipients?: { emailAddress: string; status?: string; diagnosticCode?: string }[];
  };
  complaint?: { complainedRecipients?: { emailAddress: string }[]; complaintFeedbackType?: string };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Turns an SES notification (the SNS Message body) into its bounce or complaint event, if any. */
export function parseSesNotification(body: string): SesEvent | null {
  let n: SesNotification;
  try {
    n = JSON.parse(body) as SesNotification;
  } catch {
    return null;
  }
  if (!n || typeof n !== 'object') return null;
  const type = n.notificationType ?? n.eventType;
  const headers = Array.isArray(n.mail?.headers) ? n.mail.headers : [];
  const header = (name: string) =>
    str(headers.find((h) => str(h?.name)?.toLowerCase() === name)?.value);
  const common = {
    source: str(n.mail?.source),
    kindlingHeader: header('x-kindling-message'),
    messageIdHeader: str(n.mail?.commonHeaders?.messageId) ?? header('message-id'),
  };
  const addresses = (list: unknown) =>
    (Array.isArray(list) ? list : [])
      .map((r) => str((r as { emailAddress?: unknown })?.emailAddress)?.toLowerCase())
      .filter((a): a is string => !!a);
  if (type === 'Bounce' && n.bounce) {
    const first = n.bounce.bouncedRecipients?.[0];
    return {
      kind: n.bounce.bounceType === 'Permanent' ? 'hard_bounce' : 'soft_bounce',
      recipients: addresses(n.bounce.bouncedRecipients),
      ...common,
      detail:
        `SES ${n.bounce.bounceType}/${n.bounce.bounceSubType ?? ''} ${first?.status ?? ''} ${first?.diagnosticCode ?? ''}`.trim(),
    };
  }
  if (type === 'Complaint' && n.complaint) {
    return {
      kind: 'complaint',
      recipients: addresses(n.complaint.complainedRecipients),
      ...common,
      detail: `SES complaint ${n.complaint.complaintFeedbackType ?? ''}`.trim(),
    };
  }
  return null;
}
