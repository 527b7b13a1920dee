// What a receiving server's SMTP answer means, from a maintained table of the answers mailbox
// providers really give (Gmail, Microsoft, Yahoo and the block lists), then RFC 3463's enhanced
// status codes, then the basic reply code. The email.send worker stores the class on the message
// (the lead's timeline and the Outbox show it) and acts on it:
//
//   rate        the provider is slowing this sender down: back off that provider for the pool,
//               longer each time it repeats, shorter again once it stops (providerBackoffMs).
//   reputation  the provider distrusts the sending IP or domain: the same back-off (4xx), or a
//               failed message that is not the recipient's fault (5xx).
//   auth        SPF, DKIM, DMARC or PTR failed: the identity is paused (every further message
//               would fail the same way) until a person fixes DNS and resumes it.
//   blocklist   the IP or domain is on a block list: not the recipient's fault; the identity is
//               paused too, since every message from it would be refused.
//   policy / content   refused for this message's content or a local policy: failed, the lead
//               keeps its status.
//   mailbox     the address does not exist or is disabled (hard bounce: suppressed).
//   mailbox_full / recipient_rate   the recipient's problem for now: deferred (4xx) without
//               slowing the provider down; a 5xx full mailbox is a bounce.
//   temporary / permanent / unknown   what the codes alone say.
//
// The table is ordered: the first rule whose code and text match wins. Keep provider texts
// verbatim enough to match the real answers (examples live in smtp-answers.test.ts).

export type SmtpClass =
  | 'rate'
  | 'reputation'
  | 'auth'
  | 'blocklist'
  | 'policy'
  | 'content'
  | 'mailbox'
  | 'mailbox_full'
  | 'recipient_rate'
  | 'temporary'
  | 'permanent'
  | 'unknown';

export interface SmtpVerdict {
  class: SmtpClass;
  /** 5xx: retrying the same message cannot succeed. */
  permanent: boolean;
  /** The rule that matched (`gmail-rate`, `enhanced-5.1.1`, `basic-4xx`, …), for the timeline. */
  rule: string;
}

interface Rule {
  id: string;
  /** First digit of the reply code the rule applies to (4 or 5); both when absent. */
  digit?: 4 | 5;
  /** Enhanced status codes the rule applies to; any when absent. */
  enhanced?: readonly string[];
  text?: RegExp;
  class: SmtpClass;
}

// Provider answers and block lists, most specific first.
const RULES: readonly Rule[] = [
  // Block lists name themselves, whatever code the server chose.
  {
    id: 'blocklist',
    text: /spamhaus|spamcop|barracuda|sorbs|\bs3150\b|\bs3140\b|\brbl\b|dnsbl|block ?list|blacklist|listed (?:at|on|in)|banned sender|5\.7\.511/i,
    class: 'blocklist',
  },
  // Greylisting: a first-contact delay, not a verdict on the sender.
  { id: 'greylist', digit: 4, text: /grey ?list|gray ?list/i, class: 'temporary' },
  // Gmail
  { id: 'gmail-rate', enhanced: ['4.7.28'], class: 'rate' },
  {
    id: 'gmail-recipient-rate',
    enhanced: ['4.2.1'],
    text: /receiving mail at a rate/i,
    class: 'recipient_rate',
  },
  {
    id: 'gmail-auth',
    enhanced: ['5.7.26', '5.7.27', '5.7.25', '4.7.26', '4.7.27', '4.7.25', '5.7.30', '4.7.30'],
    class: 'auth',
  },
  {
    id: 'auth-text',
    text: /unauthenticated|dmarc|\bspf\b|\bdkim\b|ptr record|reverse dns|not authenticated/i,
    class: 'auth',
  },
  {
    id: 'reputation-text',
    text: /low reputation|ip reputation|domain reputation|poor reputation|reputation of the sending/i,
    class: 'reputation',
  },
  // Microsoft (4.7.650 and friends: rate limited because of IP reputation)
  { id: 'microsoft-reputation', enhanced: ['4.7.650', '4.7.651', '4.7.652'], class: 'reputation' },
  // Yahoo: TSS04 is volume or complaints (back off), TSS09 is a refusal to retry.
  { id: 'yahoo-tss04', text: /\btss04\b/i, class: 'rate' },
  { id: 'yahoo-tss09', text: /\btss09\b|\btss11\b/i, class: 'reputation' },
  {
    id: 'rate-text',
    text: /rate limit|rate-limit|too many (?:messages|connections|concurrent)|unusual rate|unexpected volume|try again later|maximum number of concurrent|throttl/i,
    digit: 4,
    class: 'rate',
  },
  {
    id: 'content-text',
    text: /unsolicited|spam|content rejected|message content|virus|malware|phish/i,
    class: 'content',
  },
  {
    id: 'mailbox-full-text',
    text: /out of storage|mailbox (?:is )?full|over quota|quota exceeded|insufficient storage/i,
    class: 'mailbox_full',
  },
  {
    id: 'mailbox-text',
    text: /does not exist|doesn't exist|no such user|user unknown|unknown user|mailbox (?:not found|unavailable)|recipient (?:address )?rejected|invalid recipient|account (?:that you tried to reach )?is disabled|address rejected/i,
    digit: 5,
    class: 'mailbox',
  },
];

/** RFC 3463 subject.detail codes (after the class digit), when no rule matched. */
function enhancedClass(digit: number, subject: string): SmtpClass | null {
  if (subject === '2.2') return 'mailbox_full';
  if (
    digit === 5 &&
    (subject === '1.1' || subject === '1.2' || subject === '1.6' || subject === '2.1')
  )
    return 'mailbox';
  if (subject === '1.10') return 'mailbox';
  if (subject === '7.1') return digit === 5 ? 'policy' : 'temporary';
  if (subject.startsWith('7.')) return digit === 5 ? 'policy' : 'temporary';
  if (subject === '4.5') return 'rate';
  return null;
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;

/**
 * The reply code and enhanced status code of an answer. nodemailer hands over the server's text
 * (possibly several lines, `550-5.7.26 …\n550 5.7.26 …`) and the numeric code separately.
 */
function parse(code: number | undefined, text: string): { digit: number; enhanced: string } {
  let digit = code ? Math.floor(code / 100) : 0;
  let i = 0;
  if (!digit && /^[245]\d\d[ -]/.test(text)) {
    digit = text.charCodeAt(0) - 48;
  }
  if (/^\d{3}[ -]/.test(text)) i = 4;
  let end = text.indexOf(' ', i);
  if (end === -1) end = text.length;
  const word = text.slice(i, end);
  return { digit, enhanced: ENHANCED.test(word) ? word : '' };
}

/** Classifies one SMTP answer (see the file header). `code` is the reply code when known. */
export function classifySmtpAnswer(code: number | undefined, text: string): SmtpVerdict {
  const { digit, enhanced } = parse(code, text);
  const permanent = digit === 5;
  for (const rule of RULES) {
    if (rule.digit && rule.digit !== digit) continue;
    if (rule.enhanced && !rule.enhanced.includes(enhanced)) continue;
    if (rule.text && !rule.text.test(text)) continue;
    return { class: rule.class, permanent, rule: rule.id };
  }
  if (enhanced) {
    const byCode = enhancedClass(digit, enhanced.slice(2));
    if (byCode) return { class: byCode, permanent, rule: `enhanced-${enhanced}` };
  }
  if (digit === 4) return { class: 'temporary', permanent, rule: 'basic-4xx' };
  if (digit === 5) return { class: 'permanent', permanent, rule: 'basic-5xx' };
  return { class: 'unknown', permanent, rule: 'none' };
}

/** A 5xx of this class bounces the recipient (suppressed); other 5xx fail only the message. */
export function bouncesRecipient(v: SmtpVerdict): boolean {
  return (
    v.permanent && (v.class === 'mailbox' || v.class === 'mailbox_full' || v.class === 'permanent')
  );
}

/** A 4xx of this class slows the provider down for the pool. */
export function backsOffProvider(v: SmtpVerdict): boolean {
  return (
    !v.permanent && (v.class === 'rate' || v.class === 'reputation' || v.class === 'blocklist')
  );
}

/** An answer of this class will refuse every message of the identity: pause it. */
export function pausesIdentity(v: SmtpVerdict): boolean {
  return v.class === 'auth' || (v.permanent && v.class === 'blocklist');
}

/** How the lead's timeline and the Outbox name each class. */
export const SMTP_CLASS_LABEL: Record<SmtpClass, string> = {
  rate: 'provider rate limit',
  reputation: 'sender reputation',
  auth: 'sender authentication failed',
  blocklist: 'sender on a block list',
  policy: 'refused by policy',
  content: 'refused for its content',
  mailbox: 'address does not exist',
  mailbox_full: 'mailbox full',
  recipient_rate: 'recipient receiving too fast',
  temporary: 'temporary failure',
  permanent: 'permanent failure',
  unknown: 'unclassified answer',
};
