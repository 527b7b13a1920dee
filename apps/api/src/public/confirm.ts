// Double opt-in: the confirmation email (a Message row sent by the worker's email.send pipeline)
// carries a signed link that expires after 7 days; confirming marks the lead confirmed and only
// then enrolls it in the campaigns of the double opt-in forms it submitted.
import { verifyToken } from '@kindling/sending/tokens';
import { enrollByTrigger } from '@kindling/campaigns';
import { CONFIRM_TTL_S } from '@kindling/leads';
import type { AppDeps } from '../deps.js';

// The confirmation email itself is written by the submissions drain (@kindling/leads).
export { CONFIRM_RESEND_MS, CONFIRM_TTL_S, shouldResendConfirmation } from '@kindling/leads';

export type ConfirmOutcome = 'confirmed' | 'already' | 'expired' | 'invalid';

/** Verifies a confirmation token, marks the lead confirmed and enrolls it; idempotent. */
export async function confirmLead(
  deps: AppDeps,
  token: string,
  now = new Date(),
): Promise<ConfirmOutcome> {
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
    where: {
      workspaceId: lead.workspaceId,
      leadId: lead.id,
      isSpam: false,
      form: { doubleOptIn: true },
    },
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
