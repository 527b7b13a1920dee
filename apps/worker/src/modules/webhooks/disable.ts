// Auto-disable: an endpoint that failed `disableAfterFailures` attempts in a row for at least
// `disableAfterMs` is turned off, and the workspace's owners get an email saying so, in the same
// transaction (through createMessage's path: withNewMessages, sent by the email.send worker via
// the workspace's relay, or the dev mail catcher when it has none). Its pending deliveries stay
// pending: turning it on again sends them.
import { withNewMessages } from '@kindling/queue';
import { escapeHtml } from '@kindling/shared';
import type { DeliverDeps } from './deliver.js';

export async function disableFailingEndpoint(
  deps: Pick<DeliverDeps, 'db' | 'logger' | 'publicUrl' | 'enqueueSends'>,
  endpointId: string,
  run: { consecutiveFailures: number; failingSince: Date },
): Promise<boolean> {
  const reason = `Turned off after ${run.consecutiveFailures} failed attempts in a row since ${run.failingSince.toISOString()}`;
  const disabled = await withNewMessages(deps.db, deps.enqueueSends, async (tx, create) => {
    const rows = await tx.$queryRaw<{ id: string; workspaceId: string; url: string }[]>`
      UPDATE "WebhookEndpoint" SET enabled = false, "disabledAt" = now(), "disabledReason" = ${reason}, "updatedAt" = now()
      WHERE id = ${endpointId}::uuid AND enabled RETURNING id::text AS id, "workspaceId"::text AS "workspaceId", url`;
    const endpoint = rows[0];
    if (!endpoint) return false;
    const owners = await tx.membership.findMany({
      where: { workspaceId: endpoint.workspaceId, role: 'owner' },
      select: { user: { select: { email: true, name: true } } },
    });
    const identity = await tx.sendingIdentity.findFirst({
      where: {
        workspaceId: endpoint.workspaceId,
        status: 'active',
        smtpUrlEncrypted: { not: null },
      },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    const link = `${deps.publicUrl.replace(/\/$/, '')}/settings/webhooks`;
    for (const o of owners) {
      await create({
        workspaceId: endpoint.workspaceId,
        kind: 'account',
        identityId: identity?.id ?? null,
        toEmail: o.user.email,
        subject: 'A webhook endpoint was turned off',
        messageIdDomain: new URL(deps.publicUrl).hostname,
        html:
          `<p>Hi ${escapeHtml(o.user.name)},</p><p>Kindling turned off the webhook endpoint ` +
          `<strong>${escapeHtml(endpoint.url)}</strong>: ${escapeHtml(reason)}.</p><p>Its undelivered ` +
          `events are kept. Fix the receiver, then turn the endpoint on again in ` +
          `<a href="${escapeHtml(link)}">Settings → Webhooks</a>; they will be sent then.</p>`,
        text: `Kindling turned off the webhook endpoint ${endpoint.url}: ${reason}.\nIts undelivered events are kept. Fix the receiver, then turn it on again: ${link}`,
      });
    }
    return true;
  });
  if (disabled)
    deps.logger.warn({ endpointId, ...run }, 'webhook endpoint turned off after sustained failure');
  return disabled;
}
