// Double opt-in: the confirmation email (a Message row sent by the worker's email.send pipeline)
// carries a signed link that expires after 7 days; confirming marks the lead confirmed and only
// then enrolls it in the campaigns of the double opt-in forms it submitted.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Lead, Form, Prisma } from '@kindling/db';
import { DEFAULT_JOB_OPTIONS, QUEUES, enqueueEmailSend } from '@kindling/queue';
import { signToken, verifyToken } from '@kindling/sending/tokens';
import { enrollByTrigger } from '@kindling/campaigns';
import type { AppDeps } from '../deps.js';
import { esc } from './pages.js';

export const CONFIRM_TTL_S = 7 * 24 * 3600;
export const CONFIRM_RESEND_MS = 10 * 60 * 1000;

/** At most one confirmation email per lead every 10 minutes, however often the form is sent. */
export function shouldResendConfirmation(lead: Pick<Lead, 'confirmationSentAt'>, now: Date): boolean {
  return !lead.confirmationSentAt || now.getTime() - lead.confirmationSentAt.getTime() >= CONFIRM_RESEND_MS;
}

/** The signed confirmation URL for a lead, issued at `now`. */
export function confirmUrl(deps: AppDeps, lead: Pick<Lead, 'id' | 'workspaceId'>, now: Date): string {
  const token = signToken(deps.config.appSecret, {
    k: 'confirm',
    w: lead.workspaceId,
    l: lead.id,
    i: Math.floor(now.getTime() / 1000),
  });
  return `${deps.config.publicUrl}/api/public/confirm/${token}`;
}

/**
 * Writes the confirmation Message (pre-rendered html/text) and stamps confirmationSentAt, inside
 * the submission's transaction; the caller enqueues the send after commit. Returns the message id.
 */
export async function prepareConfirmation(
  deps: AppDeps,
  tx: Prisma.TransactionClient,
  lead: Lead,
  form: Pick<Form, 'name' | 'workspaceId'>,
  now: Date,
): Promise<string> {
  const workspace = await tx.workspace.findUniqueOrThrow({ where: { id: form.workspaceId }, select: { name: true } });
  const url = confirmUrl(deps, lead, now);
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
  const message = await tx.message.create({
    data: {
      workspaceId: lead.workspaceId,
      kind: 'confirmation',
      leadId: lead.id,
      toEmail: lead.email,
      subject,
      messageIdHeader: messageIdFor(deps.config.publicUrl),
      html,
      text,
    },
    select: { id: true },
  });
  await tx.lead.update({ where: { id: lead.id }, data: { confirmationSentAt: now } });
  return message.id;
}

/** A fresh RFC 5322 Message-ID on the public host. */
function messageIdFor(publicUrl: string): string {
  let host = 'kindling.local';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch {
    /* keep the fallback */
  }
  return `<${randomUUID()}@${host}>`;
}

const queues = new WeakMap<AppDeps, Queue>();

function emailQueue(deps: AppDeps): Queue {
  let q = queues.get(deps);
  if (!q) {
    q = new Queue(QUEUES.email, {
      connection: deps.redis,
      prefix: deps.config.queuePrefix ?? 'bull',
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    queues.set(deps, q);
  }
  return q;
}

/** Enqueues email.send for a committed confirmation Message (deterministic job id). */
export async function enqueueConfirmation(deps: AppDeps, messageId: string): Promise<void> {
  await enqueueEmailSend(emailQueue(deps), messageId).catch((err: unknown) => {
      // The row is committed and queued in Postgres; the worker's repair pass can pick it up.
      deps.logger.error({ err, messageId }, 'could not enqueue the confirmation email');
    });
}

export type ConfirmOutcome = 'confirmed' | 'already' | 'expired' | 'invalid';

/** Verifies a confirmation token, marks the lead confirmed and enrolls it; idempotent. */
export async function confirmLead(deps: AppDeps, token: string, now = new Date()): Promise<ConfirmOutcome> {
  const payload = verifyToken(deps.config.appSecret, token, 'confirm');
  if (!payload?.l || typeof payload.i !== 'number') return 'invalid';
  if (now.getTime() / 1000 - payload.i > CONFIRM_TTL_S) return 'expired';
  const lead = await deps.db.lead.findFirst({ where: { id: payload.l, workspaceId: payload.w } });
  if (!lead) return 'invalid';
  if (lead.confirmedAt) return 'already';
  const { count } = await deps.db.lead.updateMany({
    where: { id: lead.id, confirmedAt: null },
    data: { confirmedAt: now },
  });
  if (!count) return 'already';
  // Enroll through every double opt-in form this lead submitted (real submissions only).
  const forms = await deps.db.formSubmission.findMany({
    where: { workspaceId: lead.workspaceId, leadId: lead.id, isSpam: false, form: { doubleOptIn: true } },
    distinct: ['formId'],
    select: { formId: true },
  });
  for (const { formId } of forms) {
    await enrollByTrigger(deps.db, {
      workspaceId: lead.workspaceId,
      leadId: lead.id,
      event: { type: 'form_submission', formId },
    });
  }
  return 'confirmed';
}
