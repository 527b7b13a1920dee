// What creating and changing a sending identity share: its columns from the input (secrets
// encrypted), a new DKIM key pair, the relay check and the warm-up plans an identity needs.
import type { z } from 'zod';
import type { Db } from '@kindling/db';
import type { updateIdentitySchema } from '@kindling/shared';
import { createEgressGuard, EgressRefusedError, type EgressGuard } from '@kindling/egress';
import {
  DEFAULT_WARMUP,
  domainOf,
  encryptSecret,
  generateDkimKeyPair,
  isRelayKind,
  newWebhookToken,
  RELAY_ADAPTERS,
  relayEndpoint,
} from '@kindling/sending';
import type { SendingIdentity } from '@kindling/db';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';

export function identityData(appSecret: string, b: z.output<typeof updateIdentitySchema>) {
  return {
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.fromName !== undefined ? { fromName: b.fromName } : {}),
    ...(b.fromEmail !== undefined ? { fromEmail: b.fromEmail.toLowerCase() } : {}),
    ...(b.replyTo !== undefined ? { replyTo: b.replyTo || null } : {}),
    ...(b.smtpUrl !== undefined
      ? { smtpUrlEncrypted: b.smtpUrl ? encryptSecret(appSecret, b.smtpUrl) : null }
      : {}),
    ...(b.poolSize !== undefined ? { poolSize: b.poolSize } : {}),
    ...(b.ipPool !== undefined ? { ipPool: b.ipPool } : {}),
    ...(b.returnPathDomain !== undefined ? { returnPathDomain: b.returnPathDomain || null } : {}),
    ...(b.dkimSelector !== undefined ? { dkimSelector: b.dkimSelector } : {}),
  };
}

/**
 * The relay columns from the input, given the identity as it is (null when creating): a provider
 * key is stored encrypted after its own check; Postmark and Brevo get a token Kindling generates
 * when they are chosen (or on rotation), since they sign nothing. Changing the kind drops a key
 * that belonged to the previous one.
 */
export function relayData(
  appSecret: string,
  b: z.output<typeof updateIdentitySchema>,
  current: Pick<SendingIdentity, 'relayKind' | 'relayKeyEncrypted'> | null,
): { relayKind?: SendingIdentity['relayKind']; relayKeyEncrypted?: string | null } {
  if (b.relayKind === undefined && b.relayKey === undefined && !b.rotateRelayToken) return {};
  const kind = b.relayKind ?? current?.relayKind ?? 'none';
  const changed = kind !== (current?.relayKind ?? 'none');
  const out: { relayKind?: SendingIdentity['relayKind']; relayKeyEncrypted?: string | null } = {
    relayKind: kind,
  };
  if (!isRelayKind(kind)) {
    if (changed) out.relayKeyEncrypted = null;
    return out;
  }
  const adapter = RELAY_ADAPTERS[kind];
  if (adapter.keySource === 'kindling') {
    if (changed || b.rotateRelayToken || !current?.relayKeyEncrypted)
      out.relayKeyEncrypted = encryptSecret(appSecret, newWebhookToken());
    return out;
  }
  if (b.relayKey !== undefined && b.relayKey !== '') {
    const problem = adapter.checkKey(b.relayKey);
    if (problem)
      throw new AppError('validation_failed', `${adapter.label} ${adapter.keyLabel}: ${problem}`, [
        { field: 'relayKey', issue: problem },
      ]);
    out.relayKeyEncrypted = encryptSecret(appSecret, b.relayKey);
  } else if (b.relayKey === '' || changed) {
    out.relayKeyEncrypted = null;
  }
  return out;
}

/** A new DKIM key pair for the identity's domain (the private key stored encrypted). */
export function dkimData(appSecret: string, fromEmail: string, selector?: string) {
  const keys = generateDkimKeyPair();
  return {
    dkimDomain: domainOf(fromEmail),
    dkimSelector: selector ?? `kindling${new Date().getUTCFullYear()}`,
    dkimPrivateKeyEncrypted: encryptSecret(appSecret, keys.privateKeyPem),
    dkimPublicKey: keys.publicKey,
  };
}

/** A warm-up plan per IP pool and per sending domain, created with the default curve when missing. */
export async function ensurePlans(
  db: Db,
  workspaceId: string,
  ipPool: string,
  fromEmail: string,
): Promise<void> {
  for (const [scope, key] of [
    ['ip_pool', ipPool],
    ['domain', domainOf(fromEmail)],
  ] as const) {
    await db.warmupPlan.upsert({
      where: { workspaceId_scope_key: { workspaceId, scope, key } },
      create: { workspaceId, scope, key, ...DEFAULT_WARMUP },
      update: {},
    });
  }
}

const guards = new WeakMap<AppDeps, EgressGuard>();

/**
 * Refuses (422) a relay the egress guard refuses now. A name that does not resolve yet is
 * accepted: the worker checks the relay again at every connect, so this is early feedback only.
 */
export async function assertRelayAllowed(
  deps: AppDeps,
  smtpUrl: string | null | undefined,
): Promise<void> {
  if (!smtpUrl) return;
  let guard = guards.get(deps);
  if (!guard) guards.set(deps, (guard = createEgressGuard(deps.config.egress)));
  const { host, port } = relayEndpoint(smtpUrl);
  try {
    await guard.check(host, port);
  } catch (err) {
    if (!(err instanceof EgressRefusedError)) return;
    throw new AppError('validation_failed', `SMTP relay refused: ${err.message}`, [
      { field: 'smtpUrl', issue: err.message },
    ]);
  }
}
