// Inbound SMTP for what comes back: DSNs (RFC 3464) to the VERP return paths
// bounces+<token>@domain, ARF complaints (RFC 5965) to the feedback-loop address (or a return
// path), and mailto one-click unsubscribes to unsubscribe+<token>@domain. Each report is
// applied idempotently (outcomes.ts), so at-least-once delivery by the sending MTA is safe:
// a storage failure answers 451 and the MTA retries.
import type { Db } from '@kindling/db';
import {
  applyReportOutcome,
  guardReputation,
  isHardBounce,
  parseInboundReport,
  PROVEN_MESSAGE_SELECT,
  proveReport,
  startSmtpListener,
  storeForReview,
  type InboundReport,
  type ReviewReason,
} from '@kindling/sending';
import { unsubscribe as applyUnsubscribe } from '@kindling/leads';
import type { WorkerModule } from '../context.js';
import { sendingSettings, type SendingSettings } from './sending-settings.js';

const LOCAL = /^(bounces|unsubscribe)\+([A-Za-z0-9_-]+)@/i;

async function findMessage(db: Db, id: string) {
  return db.message.findUnique({ where: { id }, select: PROVEN_MESSAGE_SELECT });
}

/** Where a report may carry our token: the address it came to, then what it returned of ours. */
function tokenCarriers(rcpt: string, report: InboundReport): (string | null)[] {
  const carriers: (string | null)[] = [LOCAL.test(rcpt) ? rcpt : null];
  if (report.type === 'other') return carriers;
  carriers.push(report.original.kindlingHeader, report.original.returnPath);
  if (report.type === 'arf') carriers.push(report.originalMailFrom);
  return carriers;
}

function namedRecipients(report: InboundReport): (string | null)[] {
  if (report.type === 'arf') return [report.originalRcptTo];
  if (report.type === 'dsn')
    return report.recipients.flatMap((r) => [r.finalRecipient, r.originalRecipient]);
  return [];
}

/** One inbound message as the listener received it. */
export interface InboundMail {
  rcpt: string;
  envelopeFrom: string;
  raw: Buffer;
}

/** Applies one inbound message to the data; returns what it did (for logs and tests). */
export async function handleInbound(
  db: Db,
  secret: string,
  s: SendingSettings,
  mail: InboundMail,
): Promise<string> {
  const { rcpt, raw } = mail;
  const unsubscribe = LOCAL.exec(rcpt)?.[1]?.toLowerCase() === 'unsubscribe';
  const report: InboundReport = unsubscribe
    ? { type: 'other', subject: '' }
    : parseInboundReport(raw);
  if (!unsubscribe && report.type === 'other')
    return `ignored: not a report (${report.subject.slice(0, 80)})`;
  const kind = unsubscribe ? 'unsubscribe' : report.type;

  const proof = proveReport(secret, tokenCarriers(rcpt, report));
  const target = proof.verified ? await findMessage(db, proof.messageId) : null;
  if (!target) {
    const reason: ReviewReason = proof.verified ? 'unknown_message' : proof.reason;
    await storeForReview(db, {
      source: 'smtp',
      kind,
      reason,
      envelopeFrom: mail.envelopeFrom,
      envelopeTo: rcpt,
      namedRecipients: namedRecipients(report),
      raw,
      refs:
        report.type === 'other'
          ? undefined
          : {
              kindlingHeader: report.original.kindlingHeader,
              messageIdHeader: report.original.messageIdHeader,
            },
    });
    return `review: ${kind} ${reason}`;
  }
  // Every effect below is for the message's own recipient, whatever address the report names.
  const base = {
    workspaceId: target.workspaceId,
    email: target.toEmail,
    messageId: target.id,
    leadId: target.leadId,
  };
  if (unsubscribe) {
    await applyUnsubscribe(db, {
      workspaceId: base.workspaceId,
      leadIds: base.leadId ? [base.leadId] : [],
      email: base.email,
      messageId: base.messageId,
      via: 'mailto',
      event: { key: `unsubscribe:${base.messageId}` },
    });
    return 'unsubscribe';
  }
  let did: string;
  if (report.type === 'arf') {
    did = await applyReportOutcome(
      db,
      target,
      'complaint',
      `ARF ${report.feedbackType}`,
      s.softBounceLimit,
    );
  } else if (report.type === 'dsn') {
    const failed = report.recipients.filter((r) => r.action === 'failed');
    if (failed.length === 0)
      return `ignored: DSN without failures (${report.recipients.map((r) => r.action).join(',')})`;
    const r = failed[0]!;
    const detail = `${r.status} ${r.diagnostic ?? ''}`.trim();
    did = await applyReportOutcome(
      db,
      target,
      isHardBounce(r) ? 'hard_bounce' : 'soft_bounce',
      detail,
      s.softBounceLimit,
    );
  } else {
    return 'ignored';
  }
  await guardReputation(db, [target], s);
  return did;
}

/** Starts the inbound listener (off when the port is -1). */
export const inboundSmtpModule: WorkerModule = async (ctx) => {
  const s = sendingSettings(ctx.config.sending, ctx.config.publicUrl);
  if (s.inboundSmtpPort < 0) return [];
  const fbl = s.fblLocalPart.toLowerCase();
  const listener = await startSmtpListener({
    host: s.inboundSmtpHost,
    port: s.inboundSmtpPort,
    acceptRecipient: (a) => LOCAL.test(a) || a.toLowerCase().startsWith(`${fbl}@`),
    onMail: async (mail) => {
      for (const rcpt of mail.envelopeTo) {
        const did = await handleInbound(ctx.db, ctx.config.appSecret, s, {
          rcpt,
          envelopeFrom: mail.envelopeFrom,
          raw: mail.raw,
        });
        ctx.logger.info({ rcpt, did }, 'inbound report');
      }
    },
    onError: (err) => ctx.logger.warn({ err }, 'inbound SMTP error'),
  });
  ctx.logger.info({ port: listener.port }, 'inbound SMTP listening');
  return [listener];
};
