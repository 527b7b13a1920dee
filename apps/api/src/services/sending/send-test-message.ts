import type { SendTestResult } from '@kindling/shared';
import { createMessage } from '@kindling/queue';
import { domainOf } from '@kindling/sending';
import type { AppDeps } from '../../deps.js';
import { emailSends } from '../../email-queue.js';
import { ownIdentity } from './identity-view.js';

/** Queues a test message to `toEmail` through an identity (or the dev mail catcher). */
export async function sendTestMessage(
  deps: AppDeps,
  workspaceId: string,
  input: { identityId?: string; toEmail: string },
): Promise<SendTestResult> {
  const { db } = deps;
  const identity = input.identityId ? await ownIdentity(db, workspaceId, input.identityId) : null;
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  const messageId = await createMessage(db, emailSends(deps), {
    workspaceId,
    kind: 'test',
    identityId: identity?.id ?? null,
    toEmail: input.toEmail.toLowerCase(),
    subject: `Test message from ${ws.name}`,
    html: `<p>This is a test message from <strong>Kindling</strong>, sent through ${identity ? `the identity “${identity.name}”` : 'the built-in dev mail catcher'}.</p>`,
    text: null,
    messageIdDomain: identity ? domainOf(identity.fromEmail) : 'kindling.local',
  });
  return { messageId };
}
