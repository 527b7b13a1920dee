// Message building: multipart/alternative HTML + text, a stable Message-ID, RFC 8058 one-click
// List-Unsubscribe (https and mailto), a footer with the postal address and an unsubscribe link,
// open pixel and click rewriting with signed tokens, Feedback-ID, VERP envelope sender, DKIM.
import { randomUUID } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import { DKIM_SIGNED_HEADERS } from './dkim.js';
import { sanitizeHeaderValue } from './headers.js';
import { escapeHtml, htmlToText } from '@kindling/shared';
import { MESSAGE_TOKEN_HEADER } from './report-trust.js';
import { relayEchoHeaders } from './relays/index.js';
import { signToken } from './tokens.js';
import { verpAddress, verpTokenFor } from './verp.js';

/** A fresh RFC 5322 Message-ID for a new Message row (stable across retries once stored). */
export function newMessageIdHeader(domain = 'kindling.local'): string {
  return `<${randomUUID()}@${domain.toLowerCase()}>`;
}

export interface BuildMessageInput {
  message: {
    id: string;
    workspaceId: string;
    leadId?: string | null;
    campaignId?: string | null;
    kind: string;
    toEmail: string;
    subject: string;
    messageIdHeader: string;
  };
  from: { name: string; email: string };
  replyTo?: string | null;
  html: string;
  text?: string | null;
  preheader?: string | null;
  postalAddress: string;
  workspaceName: string;
  tracking: { opens: boolean; clicks: boolean };
  appSecret: string;
  trackingUrl: string;
  returnPathDomain: string;
  /** IP pool label: the Feedback-ID's sender-side grouping. */
  ipPool: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | null;
  /** Whether to add List-Unsubscribe and the footer (not for double opt-in confirmations). */
  unsubscribe?: boolean;
  /** The identity's relay kind: its webhook events must echo the message token (relays/). */
  relayKind?: string | null;
}

const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi;

/** Builds nodemailer options for one message (envelope, headers, bodies, DKIM). */
export function buildMessage(input: BuildMessageInput): SendMailOptions {
  const { message: m, appSecret, trackingUrl } = input;
  const base = trackingUrl.replace(/\/+$/, '');
  const common = { w: m.workspaceId, m: m.id, ...(m.leadId ? { l: m.leadId } : {}) };
  const verp = verpTokenFor(appSecret, m.id);
  const withUnsub = input.unsubscribe !== false;
  const unsubUrl = `${base}/u/${signToken(appSecret, { k: 'unsubscribe', ...common })}`;
  const unsubMailto = `mailto:${verpAddress(verp, input.returnPathDomain).replace('bounces+', 'unsubscribe+')}?subject=unsubscribe`;

  let html = input.html;
  if (input.tracking.clicks) {
    html = html.replace(HREF, (_all, pre: string, q: string, url: string) => {
      const decoded = url.replace(/&amp;/g, '&');
      const token = signToken(appSecret, { k: 'click', ...common, u: decoded });
      return `${pre}${q}${base}/c/${token}${q}`;
    });
  }
  const pre = input.preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(input.preheader)}</div>`
    : '';
  const address = escapeHtml(input.postalAddress || input.workspaceName);
  const footerHtml = withUnsub
    ? `<div style="margin-top:32px;font-size:12px;color:#6b7280;font-family:sans-serif">${escapeHtml(input.workspaceName)} · ${address}<br><a href="${escapeHtml(unsubUrl)}">Unsubscribe</a></div>`
    : '';
  const pixel = input.tracking.opens
    ? `<img src="${base}/o/${signToken(appSecret, { k: 'open', ...common })}.gif" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`
    : '';
  const tail = `${footerHtml}${pixel}`;
  html = /<body[^>]*>/i.test(html) ? html.replace(/(<body[^>]*>)/i, `$1${pre}`) : `${pre}${html}`;
  html = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${tail}</body>`) : `${html}${tail}`;

  let text = input.text?.trim() ? input.text : htmlToText(input.html);
  if (withUnsub) {
    text += `\n\n--\n${input.workspaceName} · ${input.postalAddress || ''}\nUnsubscribe: ${unsubUrl}\n`;
  }

  const headers: Record<string, { prepared: true; value: string } | string> = {
    // The signed message token, not the bare id: a report echoing it proves we sent the message
    // (report-trust.ts). No workspace id: it is internal and the token already names the message.
    [MESSAGE_TOKEN_HEADER]: verp,
    // Gmail feedback loop: campaign:kind:pool:sender, most specific first.
    'Feedback-ID': `${m.campaignId ?? m.kind}:${m.kind}:${sanitizeHeaderValue(input.ipPool).replace(/[^A-Za-z0-9_-]/g, '_')}:kindling`,
    // A relay that rewrites the return path reports to its own webhook: these make it echo the
    // token there (X-Mailgun-Variables, X-PM-Metadata-kindling, X-SMTPAPI, X-Mailin-custom).
    ...relayEchoHeaders(input.relayKind, verp),
  };
  if (withUnsub) {
    // `prepared` keeps nodemailer from re-encoding the value; the tokens are URL-safe ASCII.
    headers['List-Unsubscribe'] = { prepared: true, value: `<${unsubUrl}>, <${unsubMailto}>` };
    headers['List-Unsubscribe-Post'] = { prepared: true, value: 'List-Unsubscribe=One-Click' };
  }

  const options: SendMailOptions = {
    from: { name: sanitizeHeaderValue(input.from.name), address: input.from.email },
    to: m.toEmail,
    subject: sanitizeHeaderValue(m.subject),
    messageId: m.messageIdHeader,
    html,
    text,
    headers,
    envelope: { from: verpAddress(verp, input.returnPathDomain), to: [m.toEmail] },
  };
  if (input.replyTo) options.replyTo = input.replyTo;
  if (input.dkim) {
    options.dkim = {
      domainName: input.dkim.domainName,
      keySelector: input.dkim.keySelector,
      privateKey: input.dkim.privateKey,
      headerFieldNames: DKIM_SIGNED_HEADERS,
    };
  }
  return options;
}
