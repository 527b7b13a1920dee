// Bounce, complaint and unsubscribe reports from the relays that send them to a webhook of their
// own (Mailgun, Postmark, SendGrid, Brevo, Resend): POST /api/webhooks/relays/:identityId, the URL
// the identity's page shows. A plain express handler with its own raw body parser: signatures
// are over the exact bytes, and the body is bounded (a provider's batch fits; a flood does not).
// What is done is decided by services/sending/receive-relay-webhook.ts.
import express, { type RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';
import { receiveRelayWebhook } from '../services/sending/receive-relay-webhook.js';

/** Largest body accepted (SendGrid batches events; one Mailgun or Postmark event is a few KiB). */
export const RELAY_BODY_LIMIT = '1mb';

/** POST /api/webhooks/relays/:identityId: body parser + handler. */
export function relayWebhooks(deps: AppDeps): RequestHandler[] {
  const handler: RequestHandler = (req, res, next) => {
    void (async () => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await receiveRelayWebhook(deps, String(req.params.identityId), {
        body,
        headers: req.headers,
        now: Date.now(),
      });
      res.json(answer);
    })().catch(next);
  };
  return [express.raw({ type: () => true, limit: RELAY_BODY_LIMIT }), handler];
}
