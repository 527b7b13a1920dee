// Amazon SES bounce and complaint notifications through SNS (HTTP/S subscription). SNS posts
// JSON as text/plain, so this is a plain express handler with its own body parser. Nothing is
// trusted before the SNS signature verifies against a certificate fetched only from an
// https://sns.<region>.amazonaws.com host (the fetcher is injectable for tests). A verified SNS
// signature only proves AWS delivered it (any AWS account can sign a topic's messages), so what
// is applied is decided by services/sending/apply-ses-message.ts.
import express, { type RequestHandler } from 'express';
import {
  snsCertFetcher,
  verifySnsMessage,
  type CertFetcher,
  type SnsMessage,
} from '@kindling/sending';
import type { AppDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { applySesMessage } from '../services/sending/apply-ses-message.js';

/** POST /api/webhooks/ses: body parser + handler. */
export function sesWebhook(
  deps: AppDeps,
  fetchCert: CertFetcher = snsCertFetcher(),
): RequestHandler[] {
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
      res.json(await applySesMessage(deps, msg));
    })().catch(next);
  };
  return [express.text({ type: '*/*', limit: '256kb' }), handler];
}
