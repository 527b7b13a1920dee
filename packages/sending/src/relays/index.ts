// Inbound relay adapters: one per provider that reports bounces and complaints to a webhook of
// its own (SES: ses.ts). Each verifies the provider's own signature or credential and maps its
// events to the outcomes the product records; what is applied is decided by report-trust.ts
// and the api's services/sending/apply-relay-events.ts.
import { brevo } from './brevo.js';
import { mailgun } from './mailgun.js';
import { postmark } from './postmark.js';
import { resend } from './resend.js';
import { sendgrid } from './sendgrid.js';
import { RELAY_ADAPTER_KINDS } from '@kindling/shared';
import type { RelayAdapter, RelayKindName } from './types.js';

export * from './types.js';
export { newWebhookToken, presentedToken } from './credentials.js';
export { sendgridPublicKey } from './sendgrid.js';
export { verifyStandardWebhook } from './resend.js';

export const RELAY_ADAPTERS: Record<RelayKindName, RelayAdapter> = {
  mailgun,
  postmark,
  sendgrid,
  brevo,
  resend,
};

export function isRelayKind(v: unknown): v is RelayKindName {
  return typeof v === 'string' && (RELAY_ADAPTER_KINDS as readonly string[]).includes(v);
}

/** The headers that make an identity's relay echo the message token (none for other kinds). */
export function relayEchoHeaders(kind: string | null | undefined, token: string) {
  return isRelayKind(kind) ? RELAY_ADAPTERS[kind].echoHeaders(token) : {};
}
