// One identity's DNS health, checked and stored: what the Sending page shows, what the worker's
// daily job and the api's "Check DNS" button both run, and what can block a campaign's
// activation (Workspace.dnsBlocksActivation). The checks themselves are health.ts.
import type { Db, IdentityDnsCheck, SendingIdentity } from '@kindling/db';
import { decryptSecret } from '../secrets.js';
import type { DnsResolver } from './resolver.js';
import {
  checkSendingDomain,
  overallStatus,
  type DnsCheck,
  type SendingDomainInput,
} from './health.js';

export interface DnsHealthDeps {
  resolver: DnsResolver;
  appSecret: string;
  /** The VERP domain of identities without their own (RETURN_PATH_DOMAIN, else PUBLIC_URL's host). */
  returnPathDomain: string;
  /** INBOUND_MX_HOST: where return-path MX records should point; null = not compared. */
  inboundMxHost: string | null;
  /** TRACKING_URL's host. */
  trackingHost: string | null;
  now?: () => Date;
}

/** The default VERP domain: the configured one, else PUBLIC_URL's host. */
export function defaultReturnPathDomain(configured: string | undefined, publicUrl: string): string {
  if (configured) return configured;
  try {
    return new URL(publicUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

/** The envelope (VERP) domain of an identity's mail: its own, else its DKIM domain, else the default. */
export function envelopeDomainOf(
  identity: Pick<SendingIdentity, 'returnPathDomain' | 'dkimDomain'> | null | undefined,
  fallback: string,
): string {
  return identity?.returnPathDomain ?? identity?.dkimDomain ?? fallback;
}

function relayHostOf(appSecret: string, sealed: string | null): string | null {
  if (!sealed) return null;
  try {
    return new URL(decryptSecret(appSecret, sealed)).hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return null;
  }
}

/** What the checks look at for `identity`. */
export function identityDnsInput(i: SendingIdentity, deps: DnsHealthDeps): SendingDomainInput {
  const fromDomain = i.fromEmail.slice(i.fromEmail.lastIndexOf('@') + 1).toLowerCase();
  return {
    fromDomain,
    returnPathDomain: envelopeDomainOf(i, deps.returnPathDomain).toLowerCase(),
    dkim:
      i.dkimDomain && i.dkimSelector && i.dkimPublicKey
        ? { domain: i.dkimDomain, selector: i.dkimSelector, publicKey: i.dkimPublicKey }
        : null,
    relayHost: relayHostOf(deps.appSecret, i.smtpUrlEncrypted),
    inboundMxHost: deps.inboundMxHost,
    trackingHost: deps.trackingHost,
  };
}

export interface IdentityDnsResult {
  row: IdentityDnsCheck;
  checks: DnsCheck[];
  /** A check fails now and none did at the previous check (an alert starts). */
  startedFailing: boolean;
  /** No check fails now and one did before (its alert clears). */
  stoppedFailing: boolean;
}

/** Checks `identity`'s domains and stores the result (the previous one is replaced). */
export async function checkIdentityDns(
  db: Db,
  deps: DnsHealthDeps,
  identity: SendingIdentity,
): Promise<IdentityDnsResult> {
  const checks = await checkSendingDomain(deps.resolver, identityDnsInput(identity, deps));
  const now = deps.now?.() ?? new Date();
  const status = overallStatus(checks);
  const failing = status === 'fail';
  const before = await db.identityDnsCheck.findUnique({ where: { identityId: identity.id } });
  const wasFailing = !!before?.failingSince;
  const data = {
    status,
    checks: checks as never,
    checkedAt: now,
    failingSince: failing ? (before?.failingSince ?? now) : null,
  };
  const row = await db.identityDnsCheck.upsert({
    where: { identityId: identity.id },
    create: { identityId: identity.id, workspaceId: identity.workspaceId, ...data },
    update: data,
  });
  return {
    row,
    checks,
    startedFailing: failing && !wasFailing,
    stoppedFailing: !failing && wasFailing,
  };
}

/**
 * The daily re-check: every identity whose last check is older than `olderThanMs` (or that has
 * none), oldest first, at most `limit`; `each` sees every result (alerts).
 */
export async function recheckStaleIdentities(
  db: Db,
  deps: DnsHealthDeps,
  opts: { olderThanMs: number; limit?: number; each?: (r: IdentityDnsResult) => Promise<void> },
): Promise<number> {
  const cutoff = new Date((deps.now?.() ?? new Date()).getTime() - opts.olderThanMs);
  const due = await db.sendingIdentity.findMany({
    where: { OR: [{ dnsCheck: null }, { dnsCheck: { checkedAt: { lt: cutoff } } }] },
    orderBy: { createdAt: 'asc' },
    take: opts.limit ?? 500,
  });
  for (const identity of due) {
    const r = await checkIdentityDns(db, deps, identity);
    await opts.each?.(r);
  }
  return due.length;
}
