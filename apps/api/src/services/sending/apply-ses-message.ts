// A verified SNS message about SES mail: a subscription confirmation is confirmed (SNS hosts
// only); a bounce or complaint notification is applied only when it carries our signed message
// token (report-trust), and only to that message's own recipient; anything else is stored for
// review.
import type { SesWebhookAnswer } from '@kindling/shared';
import { REPUTATION_MIN_SAMPLE, REPUTATION_WINDOW_MS, SOFT_BOUNCE_LIMIT } from '@kindling/queue';
import {
  applyReportOutcome,
  guardReputation,
  isSnsCertUrl,
  parseSesNotification,
  PROVEN_MESSAGE_SELECT,
  proveReport,
  storeForReview,
  type SnsMessage,
} from '@kindling/sending';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';

/** Acts on an SNS message whose signature verified. */
export async function applySesMessage(deps: AppDeps, msg: SnsMessage): Promise<SesWebhookAnswer> {
  const { db, logger, config } = deps;
  if (msg.Type === 'SubscriptionConfirmation') {
    const url = msg.SubscribeURL ?? '';
    const u = URL.canParse(url) ? new URL(url) : null;
    if (!u || u.protocol !== 'https:' || !isSnsCertUrl(`https://${u.hostname}/x.pem`))
      throw new AppError('bad_request', 'SubscribeURL is not an SNS host');
    const r = await fetch(url, { redirect: 'error' });
    logger.info({ topic: msg.TopicArn, status: r.status }, 'SNS subscription confirmed');
    return { confirmed: r.ok };
  }
  if (msg.Type !== 'Notification') return { applied: 0 };
  const ev = parseSesNotification(msg.Message);
  if (!ev) return { applied: 0 };
  const proof = proveReport(config.appSecret, [ev.source, ev.kindlingHeader]);
  const m = proof.verified
    ? await db.message.findUnique({ where: { id: proof.messageId }, select: PROVEN_MESSAGE_SELECT })
    : null;
  if (!m) {
    await storeForReview(db, {
      source: 'ses',
      kind: `ses_${ev.kind}`,
      reason: proof.verified ? 'unknown_message' : proof.reason,
      envelopeFrom: ev.source ?? '',
      namedRecipients: ev.recipients,
      raw: msg.Message,
      refs: { kindlingHeader: ev.kindlingHeader, messageIdHeader: ev.messageIdHeader },
    });
    logger.warn({ topic: msg.TopicArn, reason: proof }, 'SES notification stored for review');
    return { applied: 0, review: true };
  }
  // The message's own recipient, whatever addresses the notification lists; then the guard.
  await applyReportOutcome(db, m, ev.kind, ev.detail, SOFT_BOUNCE_LIMIT);
  await guardReputation(db, [m], {
    reputationWindowMs: REPUTATION_WINDOW_MS,
    reputationMinSample: config.reputationMinSample ?? REPUTATION_MIN_SAMPLE,
  });
  return { applied: 1 };
}
