// Double opt-in confirmation email: the Message row (pre-rendered html/text, sent later by the
// worker's email.send pipeline) carrying a signed link that expires after 7 days. Shared by the
// submissions drain (which writes it with the submission) and the api (which verifies the link).
import type { Lead, Prisma } from '@kindling/db';
import type { CreateMessage } from '@kindling/queue';
import { escapeHtml as esc } from '@kindling/shared';
import { signToken } from '@kindling/sending/tokens';

export const CONFIRM_TTL_S = 7 * 24 * 3600;
export const CONFIRM_RESEND_MS = 10 * 60 * 1000;

/** Where confirmation links point and what signs them. */
export interface ConfirmationConfig {
  appSecret: string;
  publicUrl: string;
}

/** At most one confirmation email per lead every 10 minutes, however often the form is sent. */
export function shouldResendConfirmation(
  lead: Pick<Lead, 'confirmationSentAt'>,
  now: Date,
): boolean {
  return (
    !lead.confirmationSentAt ||
    now.getTime() - lead.confirmationSentAt.getTime() >= CONFIRM_RESEND_MS
  );
}

/** The signed confirmation URL for a lead, issued at `now`. */
export function confirmUrl(
  config: ConfirmationConfig,
  lead: Pick<Lead, 'id' | 'workspaceId'>,
  now: Date,
): string {
  const token = signToken(config.appSecret, {
    k: 'confirm',
    w: lead.workspaceId,
    l: lead.id,
    i: Math.floor(now.getTime() / 1000),
  });
  return `${config.publicUrl}/api/public/confirm/${token}`;
}

/**
 * Writes the confirmation Message (`create` of the submission's transaction, which enqueues it
 * after the commit) and stamps confirmationSentAt. Returns the message id.
 */
export async function prepareConfirmation(
  config: ConfirmationConfig,
  tx: Prisma.TransactionClient,
  create: CreateMessage,
  lead: Lead,
  now: Date,
): Promise<string> {
  const workspace = await tx.workspace.findUniqueOrThrow({
    where: { id: lead.workspaceId },
    select: { name: true },
  });
  const url = confirmUrl(config, lead, now);
  const subject = `Please confirm your subscription to ${workspace.name}`.slice(0, 200);
  const text =
    `Hi${lead.firstName ? ` ${lead.firstName}` : ''},\n\n` +
    `please confirm that you want to hear from ${workspace.name} by opening this link:\n\n${url}\n\n` +
    `The link works for 7 days. If you did not sign up, ignore this email and nothing happens.\n`;
  const html =
    `<p>Hi${lead.firstName ? ` ${esc(lead.firstName)}` : ''},</p>` +
    `<p>please confirm that you want to hear from ${esc(workspace.name)}.</p>` +
    `<p><a href="${esc(url)}" style="display:inline-block;padding:10px 18px;background:#ea580c;color:#fff;` +
    `border-radius:6px;text-decoration:none;font-weight:600">Confirm my subscription</a></p>` +
    `<p style="color:#5a5751;font-size:13px">The link works for 7 days. If you did not sign up, ignore this ` +
    `email and nothing happens.</p>`;
  const id = await create({
    workspaceId: lead.workspaceId,
    kind: 'confirmation',
    leadId: lead.id,
    toEmail: lead.email,
    subject,
    messageIdDomain: publicHost(config.publicUrl),
    html,
    text,
  });
  await tx.lead.update({ where: { id: lead.id }, data: { confirmationSentAt: now } });
  return id;
}

/** The public URL's host name, or null when it has none. */
function publicHost(publicUrl: string): string | null {
  try {
    return new URL(publicUrl).hostname || null;
  } catch {
    return null;
  }
}
