import { randomUUID } from 'node:crypto';
import type { StepPreviewRequest, TestSendResult } from '@kindling/shared';
import { enqueueEmailSend } from '@kindling/queue';
import { withPreheader } from '@kindling/campaigns';
import type { AppDeps } from '../../deps.js';
import { emailQueue } from '../../email-queue.js';
import { renderStepFor } from './render-step.js';

/**
 * Sends a test of an email step to the signed-in user: a `test` message from the campaign's
 * identity (or the workspace's first), queued for the worker like any other.
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
  const domain = identity?.fromEmail.split('@')[1] ?? 'kindling.invalid';
  const m = await db.message.create({
    data: {
      workspaceId,
      kind: 'test',
      campaignId: campaign.id,
      leadId: lead.id,
      identityId: identity?.id ?? null,
      toEmail: user.email,
      subject: `[Test] ${rendered.subject}`,
      html: withPreheader(rendered.html, rendered.preheader),
      text: rendered.text,
      messageIdHeader: `<${randomUUID()}@${domain}>`,
      status: 'queued',
    },
  });
  await enqueueEmailSend(emailQueue(deps), m.id);
  return { messageId: m.id, to: user.email };
}
