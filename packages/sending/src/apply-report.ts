// What a proven bounce or complaint report does, whichever way it arrived (inbound SMTP DSN/ARF,
// SES through SNS, a relay's webhook): the outcome for the message's own recipient (outcomes.ts),
// then the reputation guard for the identity's pool and domain. The proof itself is
// report-trust.ts; an unsubscribe is @kindling/leads unsubscribe.ts.
import type { Db } from '@kindling/db';
import { domainOf } from './providers.js';
import {
  evaluateReputation,
  recordComplaint,
  recordHardBounce,
  recordSoftBounce,
} from './outcomes.js';

/** The message a report was proven to be about, as the outcome needs it. */
export interface ProvenMessage {
  id: string;
  workspaceId: string;
  leadId: string | null;
  toEmail: string;
  identity: { ipPool: string; fromEmail: string } | null;
}

export interface ReportSettings {
  softBounceLimit: number;
  reputationWindowMs: number;
  reputationMinSample: number;
}

export type BounceOrComplaint = 'hard_bounce' | 'soft_bounce' | 'complaint';

/** The select that loads a ProvenMessage. */
export const PROVEN_MESSAGE_SELECT = {
  id: true,
  workspaceId: true,
  leadId: true,
  toEmail: true,
  identity: { select: { ipPool: true, fromEmail: true } },
} as const;

/** Records the outcome (idempotent); returns what was done. Call guardReputation after. */
export async function applyReportOutcome(
  db: Db,
  m: ProvenMessage,
  kind: BounceOrComplaint,
  detail: string,
  softBounceLimit: number,
): Promise<'hard_bounce' | 'soft_bounce' | 'soft_bounce_suppressed' | 'complaint'> {
  const t = {
    workspaceId: m.workspaceId,
    email: m.toEmail,
    messageId: m.id,
    leadId: m.leadId,
    detail,
  };
  if (kind === 'hard_bounce') {
    await recordHardBounce(db, t);
    return 'hard_bounce';
  }
  if (kind === 'complaint') {
    await recordComplaint(db, t);
    return 'complaint';
  }
  const { suppressed } = await recordSoftBounce(db, t, softBounceLimit);
  return suppressed ? 'soft_bounce_suppressed' : 'soft_bounce';
}

/** Runs the reputation guard for the pools and domains of the messages reports were applied to. */
export async function guardReputation(
  db: Db,
  messages: ProvenMessage[],
  s: Pick<ReportSettings, 'reputationWindowMs' | 'reputationMinSample'>,
): Promise<void> {
  type Key = { scope: 'ip_pool' | 'domain'; key: string };
  const byWorkspace = new Map<string, Map<string, Key>>();
  for (const m of messages) {
    if (!m.identity) continue;
    const keys = byWorkspace.get(m.workspaceId) ?? new Map<string, Key>();
    keys.set(`p:${m.identity.ipPool}`, { scope: 'ip_pool', key: m.identity.ipPool });
    const domain = domainOf(m.identity.fromEmail);
    keys.set(`d:${domain}`, { scope: 'domain', key: domain });
    byWorkspace.set(m.workspaceId, keys);
  }
  for (const [workspaceId, keys] of byWorkspace) {
    await evaluateReputation(db, workspaceId, {
      windowMs: s.reputationWindowMs,
      minSample: s.reputationMinSample,
      keys: [...keys.values()],
    });
  }
}
