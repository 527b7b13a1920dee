// A sending identity as the sending routes answer it: secrets never leave, the SMTP URL comes
// back with its password masked, the DKIM key as the DNS record to publish.
import type { IdentityDnsCheck, SendingIdentity } from '@kindling/db';
import type { DnsCheck, DnsHealth, Identity } from '@kindling/shared';
import {
  decryptSecret,
  dkimDnsRecord,
  isRelayKind,
  RELAY_ADAPTERS,
  redactSmtpUrl,
} from '@kindling/sending';
import { notFound } from '../../http/errors.js';
import type { Db } from '@kindling/db';

/** The api's settings a view needs: the secret that unseals, the URL webhooks are reached at. */
export interface ViewConfig {
  appSecret: string;
  publicUrl: string;
}

/**
 * Where the identity's relay posts its reports: for a provider that signs (Mailgun, SendGrid,
 * Resend) the plain URL; for one that does not (Postmark, Brevo) the URL with Kindling's token
 * as its Basic auth password, which is how their consoles take credentials.
 */
function relayView(c: ViewConfig, i: SendingIdentity): Identity['relay'] {
  const base = c.publicUrl.replace(/\/+$/, '');
  if (i.relayKind === 'ses')
    return {
      kind: 'ses',
      webhookUrl: `${base}/api/webhooks/ses`,
      keySource: null,
      keyLabel: null,
      keySet: false,
    };
  if (!isRelayKind(i.relayKind))
    return { kind: 'none', webhookUrl: null, keySource: null, keyLabel: null, keySet: false };
  const adapter = RELAY_ADAPTERS[i.relayKind];
  const url = new URL(`${base}/api/webhooks/relays/${i.id}`);
  if (adapter.keySource === 'kindling' && i.relayKeyEncrypted) {
    try {
      url.username = 'kindling';
      url.password = decryptSecret(c.appSecret, i.relayKeyEncrypted);
    } catch {
      url.username = '';
    }
  }
  return {
    kind: i.relayKind,
    webhookUrl: url.toString(),
    keySource: adapter.keySource,
    keyLabel: adapter.keyLabel,
    keySet: !!i.relayKeyEncrypted,
  };
}

/** The stored DNS check as the identity shows it. */
export function dnsHealthView(c: IdentityDnsCheck | null | undefined): DnsHealth | null {
  if (!c) return null;
  return {
    status: c.status as DnsHealth['status'],
    checkedAt: c.checkedAt.toISOString(),
    failingSince: c.failingSince?.toISOString() ?? null,
    checks: c.checks as DnsCheck[],
  };
}

export function identityView(
  c: ViewConfig,
  i: SendingIdentity & { dnsCheck?: IdentityDnsCheck | null },
): Identity {
  const { appSecret } = c;
  let smtpUrl: string | null = null;
  if (i.smtpUrlEncrypted) {
    try {
      smtpUrl = redactSmtpUrl(decryptSecret(appSecret, i.smtpUrlEncrypted));
    } catch {
      smtpUrl = '(cannot be decrypted with the current APP_SECRET: enter it again)';
    }
  }
  const rec =
    i.dkimDomain && i.dkimSelector && i.dkimPublicKey
      ? dkimDnsRecord(i.dkimDomain, i.dkimSelector, i.dkimPublicKey)
      : null;
  return {
    id: i.id,
    name: i.name,
    fromName: i.fromName,
    fromEmail: i.fromEmail,
    replyTo: i.replyTo,
    smtpUrl,
    poolSize: i.poolSize,
    ipPool: i.ipPool,
    returnPathDomain: i.returnPathDomain,
    dkim:
      rec && i.dkimDomain && i.dkimSelector
        ? { domain: i.dkimDomain, selector: i.dkimSelector, dnsName: rec.name, dnsValue: rec.value }
        : null,
    status: i.status,
    pausedReason: i.pausedReason,
    dnsHealth: dnsHealthView(i.dnsCheck),
    relay: relayView(c, i),
    createdAt: i.createdAt.toISOString(),
  };
}

/** The workspace's sending identity; another workspace's is a 404. */
export async function ownIdentity(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<SendingIdentity> {
  const i = await db.sendingIdentity.findFirst({ where: { id, workspaceId } });
  if (!i) throw notFound('Sending identity');
  return i;
}
