// Parsing what comes back: delivery status notifications (RFC 3464) and abuse feedback reports
// (ARF, RFC 5965). Both are multipart/report messages; we read the machine-readable part and
// the returned original's headers (which carry our signed X-Kindling-Message token, our VERP
// Return-Path and the Message-ID). Parsing proves nothing: report-trust.ts decides what counts.
import { findPart, parseMime } from './mime.js';
import { bouncesRecipient, classifySmtpAnswer } from './smtp-answers.js';

export interface DsnRecipient {
  finalRecipient: string | null;
  originalRecipient: string | null;
  action: string;
  /** Enhanced status code, e.g. 5.1.1. */
  status: string;
  diagnostic: string | null;
}

export type InboundReport =
  | { type: 'dsn'; recipients: DsnRecipient[]; original: OriginalRefs }
  | {
      type: 'arf';
      feedbackType: string;
      originalRcptTo: string | null;
      /** The envelope sender of the reported message: our VERP address when we sent it. */
      originalMailFrom: string | null;
      original: OriginalRefs;
    }
  | { type: 'other'; subject: string };

export interface OriginalRefs {
  /** The X-Kindling-Message value as returned (a signed token, or a bare id in older mail). */
  kindlingHeader: string | null;
  messageIdHeader: string | null;
  returnPath: string | null;
}

/** Parses RFC 822-style header fields (with continuation lines) into lower-cased groups. */
export function parseFieldGroups(text: string): Record<string, string>[] {
  const groups: Record<string, string>[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    let last: string | null = null;
    for (const line of block.split('\n')) {
      if (/^[ \t]/.test(line) && last) {
        fields[last] += ` ${line.trim()}`;
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m?.[1]) {
        last = m[1].toLowerCase();
        fields[last] = m[2] ?? '';
      }
    }
    if (Object.keys(fields).length) groups.push(fields);
  }
  return groups;
}

/** The address of an `rfc822; addr` typed field. */
function typedAddress(v: string | undefined): string | null {
  if (!v) return null;
  const i = v.indexOf(';');
  return (i >= 0 ? v.slice(i + 1) : v).trim().replace(/^<|>$/g, '').toLowerCase() || null;
}

function originalRefs(headerText: string): OriginalRefs {
  const top = parseFieldGroups(headerText)[0] ?? {};
  return {
    kindlingHeader: top['x-kindling-message']?.trim().slice(0, 200) || null,
    messageIdHeader: top['message-id']?.trim() ?? null,
    returnPath: top['return-path']?.trim().replace(/^<|>$/g, '') ?? null,
  };
}

/** Classifies and parses one inbound message (raw RFC 5322 source). */
export function parseInboundReport(raw: Buffer | string): InboundReport {
  const root = parseMime(typeof raw === 'string' ? raw : raw.toString('utf8'));
  const originalPart = findPart(root, [
    'message/rfc822',
    'text/rfc822-headers',
    'message/rfc822-headers',
    'message/global',
  ]);
  const original: OriginalRefs = originalPart
    ? originalRefs(originalPart.body.split(/\r?\n\r?\n/)[0] ?? '')
    : { kindlingHeader: null, messageIdHeader: null, returnPath: null };

  const feedback = findPart(root, ['message/feedback-report']);
  if (feedback) {
    const f = parseFieldGroups(feedback.body)[0] ?? {};
    return {
      type: 'arf',
      feedbackType: (f['feedback-type'] ?? 'abuse').trim().toLowerCase(),
      originalRcptTo: typedAddress(f['original-rcpt-to']),
      originalMailFrom: f['original-mail-from']?.trim().replace(/^<|>$/g, '') || null,
      original,
    };
  }
  const status = findPart(root, ['message/delivery-status', 'message/global-delivery-status']);
  if (status) {
    const groups = parseFieldGroups(status.body);
    const recipients = groups
      .slice(1)
      .filter((g) => g['action'] || g['status'])
      .map((g) => ({
        finalRecipient: typedAddress(g['final-recipient']),
        originalRecipient: typedAddress(g['original-recipient']),
        action: (g['action'] ?? '').trim().toLowerCase(),
        status: (/\d\.\d{1,3}\.\d{1,3}/.exec(g['status'] ?? '')?.[0] ?? '').trim(),
        diagnostic: g['diagnostic-code']?.trim() ?? null,
      }));
    return { type: 'dsn', recipients, original };
  }
  return { type: 'other', subject: root.headers['subject'] ?? '' };
}

/**
 * Hard (permanent) failure of the recipient: action failed with a 5.x.x status that says the
 * address is bad (smtp-answers.ts), not that the sender failed authentication or is blocked.
 */
export function isHardBounce(r: DsnRecipient): boolean {
  return (
    r.action === 'failed' &&
    r.status.startsWith('5') &&
    bouncesRecipient(classifySmtpAnswer(undefined, `${r.status} ${r.diagnostic ?? ''}`))
  );
}
