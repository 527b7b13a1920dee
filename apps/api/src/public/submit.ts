// Accepting one public form submission: the rate limits (Redis) before any validation work,
// spam checks, validation against the form's fields with the shared schema (patterns in RE2),
// then one more Redis round trip (duplicate check, XADD to the submissions stream; see
// submission-stream.ts). The worker's submissions drain stores the lead
// and the submission in one transaction and enrolls or sends the double opt-in email. A rejected
// submission is never written anywhere; an accepted one is in the (persistent) stream before the
// visitor is answered, so the answer is 202 and nothing answered 2xx is lost.
import type { Form, FormField } from '@kindling/db';
import {
  META_KEYS,
  MIN_HUMAN_FILL_MS,
  findUnstorableText,
  submissionValidator,
  type PublicField,
  type SubmissionCheck,
} from '@kindling/shared';
import { SUBMISSIONS_STREAM } from '@kindling/queue';
import { encodeSubmission, uuidv7, type SubmissionEntry } from '@kindling/leads';
import type { AppDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { re2Pattern } from './patterns.js';
import { SubmissionAppender, type StreamOutcome, type StreamRequest } from './submission-stream.js';

export type LoadedForm = Form & { fields: FormField[] };

/** One field as the widget and the shared validator see it. */
export function publicField(f: FormField): PublicField {
  return {
    key: f.key,
    type: f.type,
    label: f.label,
    placeholder: f.placeholder,
    required: f.required,
    options: Array.isArray(f.options) ? (f.options as { value: string; label: string }[]) : [],
    minLength: f.minLength,
    maxLength: f.maxLength,
    pattern: f.pattern,
    defaultValue: f.defaultValue,
    queryParam: f.queryParam,
    consentText: f.consentText,
    consentVersion: f.consentVersion,
  };
}

/** The form's fields as the widget and the shared validator see them. */
export function publicFields(form: LoadedForm): PublicField[] {
  return [...form.fields].sort((a, b) => a.position - b.position).map(publicField);
}

export interface SubmissionMeta {
  ip: string | null;
  userAgent: string | null;
  /** The Referer header: the page a no-JS form was posted from. */
  refererHeader: string | null;
}

export interface SubmissionResult {
  /** 'duplicate': this client submission id was accepted before; nothing new is stored. */
  status: 'accepted' | 'duplicate';
  confirmationRequired: boolean;
}

const str = (v: unknown, max: number): string | null => {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  return s ? s.slice(0, max) : null;
};

// A Map, not an object: a field keyed "constructor" must not find Object.prototype's.
const LEAD_COLUMNS = new Map<string, 'firstName' | 'lastName' | 'phone'>([
  ['first_name', 'firstName'],
  ['last_name', 'lastName'],
  ['phone', 'phone'],
]);

const DEFAULT_LIMITS = { perIp: 20, perForm: 600 };
const appenders = new WeakMap<AppDeps, SubmissionAppender>();

function appender(deps: AppDeps): SubmissionAppender {
  let a = appenders.get(deps);
  if (!a) {
    a = new SubmissionAppender(deps.redis, deps.config.submissionsStream ?? SUBMISSIONS_STREAM);
    appenders.set(deps, a);
  }
  return a;
}

interface Compiled {
  fields: PublicField[];
  validate: (input: unknown) => SubmissionCheck;
}

/**
 * The form's fields and its validator (patterns run by RE2, see patterns.ts), built once per
 * loaded form object, i.e. once per form-cache period: building a zod schema per request cost
 * more than everything else on this path together.
 */
const compiled = new WeakMap<LoadedForm, Compiled>();
function compile(form: LoadedForm): Compiled {
  let c = compiled.get(form);
  if (!c) {
    const fields = publicFields(form);
    c = { fields, validate: submissionValidator(fields, { compilePattern: re2Pattern }) };
    compiled.set(form, c);
  }
  return c;
}

/** One trip to Redis; a Redis failure is a 503 the widget retries, never a silent loss. */
async function toRedis(deps: AppDeps, r: StreamRequest): Promise<StreamOutcome> {
  let outcome: StreamOutcome;
  try {
    outcome = await appender(deps).submit(r);
  } catch (err) {
    deps.logger.error({ err }, 'form submission: Redis unavailable');
    throw new AppError(
      'unavailable',
      'Submissions cannot be accepted right now (storage unavailable); please try again in a moment.',
    );
  }
  if (outcome.kind === 'rate_limited') {
    const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
    throw new AppError(
      'rate_limited',
      `Too many submissions; please wait a moment. Try again in ${seconds} s.`,
      undefined,
      {
        'Retry-After': String(seconds),
      },
    );
  }
  return outcome;
}

/**
 * Validates one submission for `form`, applies the rate limits and queues it for storage.
 * Throws AppError: 422 with per-field details, 429 with Retry-After, 503 when Redis is down.
 */
export async function acceptSubmission(
  deps: AppDeps,
  form: LoadedForm,
  raw: Record<string, unknown>,
  meta: SubmissionMeta,
): Promise<SubmissionResult> {
  const limits = deps.config.formRateLimits ?? DEFAULT_LIMITS;
  const ip = meta.ip ?? 'unknown';
  // The rate limit first: a rejected post counts too (429 wins over 422), and a flood costs a
  // counter per post, not a validation.
  await toRedis(deps, { mode: 'limit', ip, formId: form.id, limits, sid: null, payload: '' });
  // Then, spam rows included: text Postgres cannot store is never accepted.
  const unstorable = findUnstorableText(raw);
  if (unstorable) {
    throw new AppError('validation_failed', 'Some fields are invalid', [
      { field: unstorable.field, issue: unstorable.issue },
    ]);
  }
  const { fields, validate } = compile(form);
  const pageUrl = str(raw[META_KEYS.pageUrl], 2000) ?? meta.refererHeader?.slice(0, 2000) ?? null;
  const attribution = {
    utmSource: str(raw.utm_source, 200),
    utmMedium: str(raw.utm_medium, 200),
    utmCampaign: str(raw.utm_campaign, 200),
    utmTerm: str(raw.utm_term, 200),
    utmContent: str(raw.utm_content, 200),
    referrer: str(raw[META_KEYS.referrer], 2000),
    pageUrl,
  };
  const confirmationRequired = form.doubleOptIn;
  const now = Date.now();
  const entry: SubmissionEntry = {
    id: uuidv7(now),
    workspaceId: form.workspaceId,
    formId: form.id,
    receivedAt: now,
    doubleOptIn: form.doubleOptIn,
    spamReason: null,
    data: {},
    attribution,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    lead: null,
    consent: null,
  };

  // Bots are answered exactly like people, so they learn nothing; their rows are flagged.
  const honeypot = str(raw[META_KEYS.honeypot], 500);
  // Only a number or a numeric string is a fill time: anything else (an object whose toString
  // is not a function, say) is no evidence either way.
  const rawElapsed = str(raw[META_KEYS.elapsed], 30);
  const elapsed = rawElapsed === null ? NaN : Number(rawElapsed);
  const spamReason = honeypot
    ? 'honeypot'
    : Number.isFinite(elapsed) && elapsed < MIN_HUMAN_FILL_MS
      ? 'time_trap'
      : null;
  if (spamReason) {
    const data: Record<string, string> = {};
    for (const f of fields) {
      const v = str(raw[f.key], 1000);
      if (v !== null) data[f.key] = v;
    }
    entry.spamReason = spamReason;
    entry.data = data;
    await toRedis(deps, {
      mode: 'add',
      ip,
      formId: form.id,
      limits,
      sid: null,
      payload: encodeSubmission(entry),
    });
    return { status: 'accepted', confirmationRequired };
  }

  const checked = validate(raw);
  if (!checked.ok) {
    // A rejected post stores nothing.
    throw new AppError(
      'validation_failed',
      'Some fields are invalid',
      Object.entries(checked.errors).map(([field, issue]) => ({ field, issue })),
    );
  }
  const data = checked.data;
  const consentField = fields.find((f) => f.type === 'consent' && data[f.key] === true);
  const lead: NonNullable<SubmissionEntry['lead']> = {
    email: String(data.email),
    customFields: {},
  };
  for (const f of fields) {
    const v = data[f.key];
    if (v === undefined || f.key === 'email' || f.type === 'consent') continue;
    const column =
      LEAD_COLUMNS.get(f.key) ?? (f.type === 'phone' && !lead.phone ? 'phone' : undefined);
    if (column && typeof v === 'string') lead[column] = v;
    else lead.customFields[f.key] = v;
  }
  entry.data = data;
  entry.lead = lead;
  entry.consent = consentField
    ? {
        text: consentField.consentText ?? consentField.label,
        version: consentField.consentVersion ?? null,
      }
    : null;

  // A retried post (the widget's outbox) that already landed is acknowledged, not stored twice.
  const sid = str(raw[META_KEYS.submissionId], 100);
  const outcome = await toRedis(deps, {
    mode: 'add',
    ip,
    formId: form.id,
    limits,
    sid,
    payload: encodeSubmission(entry),
  });
  return { status: outcome.kind === 'duplicate' ? 'duplicate' : 'accepted', confirmationRequired };
}
