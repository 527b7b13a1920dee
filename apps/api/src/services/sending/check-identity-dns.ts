import type { Identity } from '@kindling/shared';
import {
  checkIdentityDns,
  createDnsResolver,
  defaultReturnPathDomain,
  type DnsHealthDeps,
} from '@kindling/sending';
import type { AppDeps } from '../../deps.js';
import { identityView, ownIdentity } from './identity-view.js';

/** The DNS checks' settings in the api (the same variables as the worker's). */
export function apiDnsHealthDeps(deps: AppDeps): DnsHealthDeps {
  const { config } = deps;
  let trackingHost: string | null = null;
  try {
    trackingHost = new URL(config.trackingUrl).hostname || null;
  } catch {
    /* none */
  }
  return {
    resolver: createDnsResolver(config.dns?.servers ?? []),
    appSecret: config.appSecret,
    returnPathDomain: defaultReturnPathDomain(config.dns?.returnPathDomain, config.publicUrl),
    inboundMxHost: config.dns?.inboundMxHost ?? null,
    trackingHost,
  };
}

/** Checks an identity's SPF, DKIM, DMARC, return-path MX and tracking host now, and stores it. */
export async function checkIdentityDnsNow(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<Identity> {
  const identity = await ownIdentity(deps.db, workspaceId, id);
  const { row } = await checkIdentityDns(deps.db, apiDnsHealthDeps(deps), identity);
  return identityView(deps.config, { ...identity, dnsCheck: row });
}
