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
  /**
   * A rule with words reads the text only when the answer has no enhanced code or its subject (what
   * follows the class digit: `7.1` of `5.7.1`) starts with one of these; other codes already say
   * what the text would.
   */
  subjects?: readonly string[];
  /** The rule matches when the lower-cased text contains one of these. */
  words?: readonly string[];
  class: SmtpClass;
}

// Provider answers and block lists: first the codes that decide alone, then the texts, each
// only under the codes it can appear with.
const RULES: readonly Rule[] = [
  { id: 'gmail-rate', enhanced: ['4.7.28'], class: 'rate' },
  {
    id: 'gmail-auth',
    enhanced: ['5.7.26', '5.7.27', '5.7.25', '4.7.26', '4.7.27', '4.7.25', '5.7.30', '4.7.30'],
    class: 'auth',
  },
  // Microsoft: 4.7.650-652 rate limited for IP reputation; 5.7.511 a banned sender.
  { id: 'microsoft-reputation', enhanced: ['4.7.650', '4.7.651', '4.7.652'], class: 'reputation' },
  { id: 'microsoft-banned', enhanced: ['5.7.511'], class: 'blocklist' },
  {
    id: 'mailbox-code',
    digit: 5,
    enhanced: ['5.1.1', '5.1.10', '5.1.2', '5.1.6', '5.2.1'],
    class: 'mailbox',
  },
  { id: 'mailbox-full-code', enhanced: ['4.2.2', '5.2.2'], class: 'mailbox_full' },
  {
    id: 'gmail-recipient-rate',
    enhanced: ['4.2.1'],
    words: ['receiving mail at a rate'],
    class: 'recipient_rate',
  },
  // Block lists name themselves.
  {
    id: 'blocklist',
    subjects: ['7.', '0.', '3.'],
    words: [
      'spamhaus',
      'spamcop',
      'barracuda',
      'sorbs',
      's3150',
      's3140',
      ' rbl',
      'dnsbl',
      'block list',
      'blocklist',
      'blacklist',
      'listed at',
      'listed on',
      'listed in',
      'banned sender',
    ],
    class: 'blocklist',
  },
  // Greylisting: a first-contact delay, not a verdict on the sender.
  {
    id: 'greylist',
    digit: 4,
    subjects: ['7.', '2.0', '0.'],
    words: ['greylist', 'grey list', 'graylist', 'gray list'],
    class: 'temporary',
  },
  {
    id: 'auth-text',
    subjects: ['7.'],
    words: [
      'unauthenticated',
      'dmarc',
      'spf',
      'dkim',
      'ptr record',
      'reverse dns',
      'not authenticated',
    ],
    class: 'auth',
  },
  {
    id: 'reputation-text',
    subjects: ['7.'],
    words: [
      'low reputation',
      'ip reputation',
      'domain reputation',
      'poor reputation',
      'reputation of the sending',
    ],
    class: 'reputation',
  },
  // Yahoo: TSS04 is volume or complaints (back off), TSS09 and TSS11 a refusal to retry.
  { id: 'yahoo-tss04', subjects: ['7.'], words: ['tss04'], class: 'rate' },
  { id: 'yahoo-tss09', subjects: ['7.'], words: ['tss09', 'tss11'], class: 'reputation' },
  {
    id: 'rate-text',
    digit: 4,
    subjects: ['7.', '3.', '4.', '0.', '5.'],
    words: [
      'rate limit',
      'rate-limit',
      'too many messages',
      'too many connections',
      'too many concurrent',
      'unusual rate',
      'unexpected volume',
      'try again later',
      'maximum number of concurrent',
      'throttl',
    ],
    class: 'rate',
  },
  {
    id: 'content-text',
    subjects: ['7.', '6.', '0.'],
    words: [
      'unsolicited',
      'spam',
      'content rejected',
      'message content',
      'virus',
      'malware',
      'phish',
    ],
    class: 'content',
  },
  {
    id: 'mailbox-full-text',
    subjects: ['2.', '0.', '3.'],
    words: [
      'out of storage',
      'mailbox full',
      'mailbox is full',
      'over quota',
      'quota exceeded',
      'insufficient storage',
    ],
    class: 'mailbox_full',
  },
  {
    id: 'mailbox-text',
    digit: 5,
    subjects: ['0.', '1.', '4.1', '5.0', '2.'],
    words: [
      'does not exist',
      "doesn't exist",
      'no such user',
      'user unknown',
      'unknown user',
      'mailbox not found',
      'mailbox unavailable',
      'recipient rejected',
      'recipient address rejected',
      'invalid recipient',
      'is disabled',
      'address rejected',
    ],
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

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Digits from `k` (at most 3); returns the index after them, or -1 when there are none. */
function digitsAt(text: string, k: number): number {
  let n = 0;
  while (n < 4 && isDigit(text.charCodeAt(k + n))) n++;
  return n === 0 || n > 3 ? -1 : k + n;
}

/**
 * The reply code's first digit and the enhanced status code (`d.ddd.ddd`) of an answer.
 * nodemailer hands over the server's text (possibly several lines, `550-5.7.26 …\n550 5.7.26
 * …`) and the numeric code apart.
 */
function parse(code: number | undefined, text: string): { digit: number; enhanced: string } {
  let digit = code ? Math.floor(code / 100) : 0;
  let i = 0;
  const sep = text.charCodeAt(3);
  if (digitsAt(text, 0) === 3 && (sep === 32 || sep === 45)) {
    if (!digit) digit = text.charCodeAt(0) - 48;
    i = 4;
  }
  const c = text.charCodeAt(i);
  if ((c !== 50 && c !== 52 && c !== 53) || text.charCodeAt(i + 1) !== 46)
    return { digit, enhanced: '' };
  const mid = digitsAt(text, i + 2);
  if (mid < 0 || text.charCodeAt(mid) !== 46) return { digit, enhanced: '' };
  const end = digitsAt(text, mid + 1);
  if (end < 0 || (end < text.length && text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 10))
    return { digit, enhanced: '' };
  // A DSN's Status field has no reply code: its class digit says permanent or transient.
  return { digit: digit || c - 48, enhanced: text.slice(i, end) };
}

// The table in one shape (every field present), so the loop below reads the same hidden class
// each time; the rules that decide on the code alone looked up by code.
interface CompiledRule {
  id: string;
  digit: number;
  enhanced: ReadonlySet<string> | null;
  subjects: readonly string[] | null;
  words: readonly string[] | null;
  class: SmtpClass;
  verdicts: [SmtpVerdict, SmtpVerdict];
}
const COMPILED: readonly CompiledRule[] = RULES.map((r) => ({
  id: r.id,
  digit: r.digit ?? 0,
  enhanced: r.enhanced ? new Set(r.enhanced) : null,
  subjects: r.subjects ?? null,
  words: r.words ?? null,
  class: r.class,
  verdicts: [
    { class: r.class, permanent: false, rule: r.id },
    { class: r.class, permanent: true, rule: r.id },
  ],
}));

function containsAny(text: string, words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) if (text.includes(words[i]!)) return true;
  return false;
}

function subjectOpen(subjects: readonly string[], subject: string): boolean {
  for (let i = 0; i < subjects.length; i++) if (subject.startsWith(subjects[i]!)) return true;
  return false;
}

/** Classifies one SMTP answer (see the file header). `code` is the reply code when known. */
export function classifySmtpAnswer(code: number | undefined, text: string): SmtpVerdict {
  const { digit, enhanced } = parse(code, text);
  const permanent = digit === 5;
  const subject = enhanced.slice(2);
  let lower: string | null = null;
  for (let i = 0; i < COMPILED.length; i++) {
    const rule = COMPILED[i]!;
    if (rule.digit !== 0 && rule.digit !== digit) continue;
    if (rule.enhanced !== null && !rule.enhanced.has(enhanced)) continue;
    if (rule.subjects !== null && enhanced !== '' && !subjectOpen(rule.subjects, subject)) continue;
    // Plain substring searches over the text lower-cased once: a case-insensitive pattern per
    // rule cost ten times as much (bench classify-responses).
    if (rule.words !== null && !containsAny((lower ??= text.toLowerCase()), rule.words)) continue;
    return rule.verdicts[permanent ? 1 : 0];
  }
  if (enhanced) {
    const byCode = enhancedClass(digit, subject);
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
