// Amazon SES bounce and complaint notifications through SNS (HTTP/S subscription). SNS posts
// JSON as text/plain, so this is a plain express handler with its own body parser. Nothing is
// trusted before the SNS signature verifies against a certificate fetched only from an
// https://sns.<region>.amazonaws.com host (the fetcher is injectable for tests). A verified SNS
// signature only proves AWS delivered it (any AWS account can sign a topic's messages), so a
// notification is applied only when it carries our signed message token (report-trust.ts), and
// only to that message's own recipient; anything else is stored for review.
import express, { type RequestHandler } from 'express';
import {
  isSnsCertUrl,
  parseSesNotification,
  proveReport,
  recordComplaint,
  recordHardBounce,
  recordSoftBounce,
  snsCertFetcher,
  storeForReview,
  verifySnsMessage,
  type CertFetcher,
  type SnsMessage,
} from '@kindling/sending';
import type { AppDeps } from '../deps.js';
import { AppError } from '../http/errors.js';

const SOFT_BOUNCE_LIMIT = 3;

/** POST /api/webhooks/ses: body parser + handler. */
export function sesWebhook(
  deps: AppDeps,
  fetchCert: CertFetcher = snsCertFetcher(),
): RequestHandler[] {
  const { db, logger, config } = deps;
  const handler: RequestHandler = (req, res, next) => {
    void (async () => {
      let msg: SnsMessage;
      try {
        msg = JSON.parse(typeof req.body === 'string' ? req.body : '') as SnsMessage;
      } catch {
        throw new AppError('bad_request', 'Body is not an SNS JSON message');
      }
      if (!msg || typeof msg !== 'object')
        throw new AppError('bad_request', 'Body is not an SNS JSON message');
      try {
        await verifySnsMessage(msg, fetchCert);
      } catch (err) {
        throw new AppError(
          'forbidden',
          `SNS signature verification failed: ${(err as Error).message}`,
        );
      }
      if (msg.Type === 'SubscriptionConfirmation') {
        const url = msg.SubscribeURL ?? '';
        const u = URL.canParse(url) ? new URL(url) : null;
        if (!u || u.protocol !== 'https:' || !isSnsCertUrl(`https://${u.hostname}/x.pem`))
          throw new AppError('bad_request', 'SubscribeURL is not an SNS host');
        const r = await fetch(url, { redirect: 'error' });
        logger.info({ topic: msg.TopicArn, status: r.status }, 'SNS subscription confirmed');
        res.json({ confirmed: r.ok });
        return;
      }
      if (msg.Type !== 'Notification') {
        res.json({ applied: 0 });
        return;
      }
      const ev = parseSesNotification(msg.Message);
      if (!ev) {
        res.json({ applied: 0 });
        return;
      }
      const proof = proveReport(config.appSecret, [ev.source, ev.kindlingHeader]);
      const m = proof.verified
        ? await db.message.findUnique({ where: { id: proof.messageId } })
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
        res.json({ applied: 0, review: true });
        return;
      }
      // The message's own recipient, whatever addresses the notification lists.
      const t = {
        workspaceId: m.workspaceId,
        email: m.toEmail,
        messageId: m.id,
        leadId: m.leadId,
        detail: ev.detail,
      };
      if (ev.kind === 'hard_bounce') await recordHardBounce(db, t);
      else if (ev.kind === 'soft_bounce') await recordSoftBounce(db, t, SOFT_BOUNCE_LIMIT);
      else await recordComplaint(db, t);
      res.json({ applied: 1 });
    })().catch(next);
  };
  return [express.text({ type: '*/*', limit: '256kb' }), handler];
}
