// Helpers of the webhook endpoint operations: loading one (scoped), its answer, and the egress
// check of its URL at save time (the worker checks again at every attempt).
import type { WebhookEndpoint as Row } from '@kindling/db';
import type { WebhookEndpoint, WebhookEventType } from '@kindling/shared';
import { createEgressGuard, EgressRefusedError, type EgressGuard } from '@kindling/egress';
import type { AppDeps } from '../../deps.js';
import { AppError, notFound } from '../../http/errors.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function endpointView(e: Row): WebhookEndpoint {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes as WebhookEventType[],
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    disabledAt: iso(e.disabledAt),
    failingSince: iso(e.failingSince),
    previousSecretExpiresAt:
      e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date()
        ? e.previousSecretExpiresAt.toISOString()
        : null,
    createdAt: e.createdAt.toISOString(),
  };
}

/** The workspace's endpoint; another workspace's is a 404. */
export async function loadEndpoint(deps: AppDeps, workspaceId: string, id: string): Promise<Row> {
  const e = await deps.db.webhookEndpoint.findFirst({ where: { id, workspaceId } });
  if (!e) throw notFound('Webhook endpoint');
  return e;
}

const guards = new WeakMap<AppDeps, EgressGuard>();

/**
 * Refuses (422) a URL the egress guard refuses now (loopback, private ranges... unless the
 * operator allows them). A name that does not resolve yet is accepted: every attempt checks again.
 */
export async function assertWebhookUrlAllowed(deps: AppDeps, url: string): Promise<void> {
  let guard = guards.get(deps);
  if (!guard) guards.set(deps, (guard = createEgressGuard(deps.config.egress)));
  const u = new URL(url);
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  try {
    await guard.check(u.hostname.replace(/^\[|\]$/g, ''), port);
  } catch (err) {
    if (!(err instanceof EgressRefusedError)) return;
    throw new AppError('validation_failed', `Webhook URL refused: ${err.message}`, [
      { field: 'url', issue: err.message },
    ]);
  }
}
