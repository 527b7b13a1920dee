// Amazon SES bounce and complaint notifications through SNS (HTTP/S subscription). SNS posts
// JSON as text/plain, so this is a plain express handler with its own body parser. Nothing is
// trusted before the SNS signature verifies against a certificate fetched only from an
// https://sns.<region>.amazonaws.com host (the fetcher is injectable for tests).
import express, { type RequestHandler } from 'express';
import {
  isSnsCertUrl,
  parseSesNotification,
  recordComplaint,
  recordHardBounce,
  recordSoftBounce,
  snsCertFetcher,
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
  const { db, logger } = deps;
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
      let applied = 0;
      for (const ev of parseSesNotification(msg.Message)) {
        const m = ev.kindlingMessageId
          ? await db.message.findUnique({ where: { id: ev.kindlingMessageId } })
          : ev.messageIdHeader
            ? await db.message.findUnique({ where: { messageIdHeader: ev.messageIdHeader.trim() } })
            : null;
        // Only mail we sent, and only for its own recipient: a notification cannot touch other leads.
        if (!m || m.toEmail.toLowerCase() !== ev.email) continue;
        const t = {
          workspaceId: m.workspaceId,
          email: ev.email,
          messageId: m.id,
          leadId: m.leadId,
          detail: ev.detail,
        };
        if (ev.kind === 'hard_bounce') await recordHardBounce(db, t);
        else if (ev.kind === 'soft_bounce') await recordSoftBounce(db, t, SOFT_BOUNCE_LIMIT);
        else await recordComplaint(db, t);
        applied++;
      }
      res.json({ applied });
    })().catch(next);
  };
  return [express.text({ type: '*/*', limit: '256kb' }), handler];
}
