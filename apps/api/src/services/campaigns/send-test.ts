import type { StepPreviewRequest, TestSendResult } from '@kindling/shared';
import { createMessage } from '@kindling/queue';
import { withPreheader } from '@kindling/campaigns';
import { domainOf } from '@kindling/sending';
import type { AppDeps } from '../../deps.js';
import { emailSends } from '../../email-queue.js';
import { renderStepFor } from './render-step.js';

/**
 * Sends a test of an email step to the signed-in user: a `test` message from the campaign's
 * identity (or the workspace's first), created and queued by the one message function
 * (packages/queue createMessage) like any other.
 */
export async function sendTest(
  deps: AppDeps,
  workspaceId: string,
  userId: string,
  campaignId: string,
  input: StepPreviewRequest,
): Promise<TestSendResult> {
  const { db } = deps;
  const { campaign, lead, rendered } = await renderStepFor(db, workspaceId, campaignId, input);
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const identity = campaign.identityId
    ? await db.sendingIdentity.findFirst({ where: { id: campaign.identityId, workspaceId } })
    : await db.sendingIdentity.findFirst({ where: { workspaceId }, orderBy: { createdAt: 'asc' } });
  const messageId = await createMessage(db, emailSends(deps), {
    workspaceId,
    kind: 'test',
    campaignId: campaign.id,
    leadId: lead.id,
    identityId: identity?.id ?? null,
    toEmail: user.email,
    subject: `[Test] ${rendered.subject}`,
    html: withPreheader(rendered.html, rendered.preheader),
    text: rendered.text,
    messageIdDomain: identity ? domainOf(identity.fromEmail) : null,
  });
  return { messageId, to: user.email };
}
