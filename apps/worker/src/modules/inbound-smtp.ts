// Inbound SMTP for what comes back: DSNs (RFC 3464) to the VERP return paths
// bounces+<token>@domain, ARF complaints (RFC 5965) to the feedback-loop address (or a return
// path), and mailto one-click unsubscribes to unsubscribe+<token>@domain. Each report is
// applied idempotently (outcomes.ts), so at-least-once delivery by the sending MTA is safe:
// a storage failure answers 451 and the MTA retries.
import type { Db } from '@kindling/db';
import {
  domainOf,
  evaluateReputation,
  isHardBounce,
  messageIdFromVerpToken,
  parseInboundReport,
  recordComplaint,
  recordHardBounce,
  recordSoftBounce,
  recordUnsubscribe,
  startSmtpListener,
  type OriginalRefs,
} from '@kindling/sending';
import type { WorkerModule } from '../context.js';
import { sendingSettings, type SendingSettings } from './sending-settings.js';

const LOCAL = /^(bounces|unsubscribe)\+([A-Za-z0-9_-]+)@/i;

interface Found {
  id: string;
  workspaceId: string;
  leadId: string | null;
  toEmail: string;
  identity: { ipPool: string; fromEmail: string } | null;
}

async function findMessage(db: Db, id: string | null): Promise<Found | null> {
  if (!id) return null;
  return db.message.findUnique({
    where: { id },
    select: {
      id: true,
      workspaceId: true,
      leadId: true,
      toEmail: true,
      identity: { select: { ipPool: true, fromEmail: true } },
    },
  });
}

async function fromOriginal(db: Db, secret: string, refs: OriginalRefs): Promise<Found | null> {
  const byHeader = await findMessage(db, refs.kindlingMessageId);
  if (byHeader) return byHeader;
  const verp = refs.returnPath ? LOCAL.exec(refs.returnPath) : null;
  if (verp?.[2]) {
    const f = await findMessage(db, messageIdFromVerpToken(secret, verp[2]));
    if (f) return f;
  }
  if (refs.messageIdHeader) {
    const m = await db.message.findUnique({
      where: { messageIdHeader: refs.messageIdHeader },
      select: { id: true },
    });
    return findMessage(db, m?.id ?? null);
  }
  return null;
}

/** Applies one inbound message to the data; returns what it did (for logs and tests). */
export async function handleInbound(
  db: Db,
  secret: string,
  s: SendingSettings,
  rcpt: string,
  raw: Buffer,
): Promise<string> {
  const local = LOCAL.exec(rcpt);
  const verpMessage = local?.[2]
    ? await findMessage(db, messageIdFromVerpToken(secret, local[2]))
    : null;
  if (local?.[1]?.toLowerCase() === 'unsubscribe') {
    if (!verpMessage) return 'unsubscribe: unknown token';
    await recordUnsubscribe(db, {
      workspaceId: verpMessage.workspaceId,
      email: verpMessage.toEmail,
      messageId: verpMessage.id,
      leadId: verpMessage.leadId,
      detail: 'mailto unsubscribe',
    });
    return 'unsubscribe';
  }
  const report = parseInboundReport(raw);
  if (report.type === 'other') return `ignored: not a report (${report.subject.slice(0, 80)})`;
  const target = verpMessage ?? (await fromOriginal(db, secret, report.original));
  if (!target) return `ignored: ${report.type} for no message of ours`;
  const base = { workspaceId: target.workspaceId, messageId: target.id, leadId: target.leadId };
  let did: string;
  if (report.type === 'arf') {
    await recordComplaint(db, {
      ...base,
      email: report.originalRcptTo ?? target.toEmail,
      detail: `ARF ${report.feedbackType}`,
    });
    did = 'complaint';
  } else {
    const failed = report.recipients.filter((r) => r.action === 'failed');
    if (failed.length === 0)
      return `ignored: DSN without failures (${report.recipients.map((r) => r.action).join(',')})`;
    const r = failed[0]!;
    const detail = `${r.status} ${r.diagnostic ?? ''}`.trim();
    // The recipient is the message's own address: VERP names the message, not the report.
    if (isHardBounce(r)) {
      await recordHardBounce(db, { ...base, email: target.toEmail, detail });
      did = 'hard_bounce';
    } else {
      const { suppressed } = await recordSoftBounce(
        db,
        { ...base, email: target.toEmail, detail },
        s.softBounceLimit,
      );
      did = suppressed ? 'soft_bounce_suppressed' : 'soft_bounce';
    }
  }
  if (target.identity) {
    await evaluateReputation(db, target.workspaceId, {
      windowMs: s.reputationWindowMs,
      minSample: s.reputationMinSample,
      keys: [
        { scope: 'ip_pool', key: target.identity.ipPool },
        { scope: 'domain', key: domainOf(target.identity.fromEmail) },
      ],
    });
  }
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
        const did = await handleInbound(ctx.db, ctx.config.appSecret, s, rcpt, mail.raw);
        ctx.logger.info({ rcpt, did }, 'inbound report');
      }
    },
    onError: (err) => ctx.logger.warn({ err }, 'inbound SMTP error'),
  });
  ctx.logger.info({ port: listener.port }, 'inbound SMTP listening');
  return [listener];
};
