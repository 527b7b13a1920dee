// The submission schema shared by the api (server-side validation) and the widget (validation
// before sending). Built on `zod/mini` so the widget bundle only carries the checks it uses; the
// messages are written out here so both sides show the same words without zod's locale tables.
import * as z from 'zod/mini';
import { EMAIL_MAX_LENGTH, isEmailAddress } from './email.js';

export const FIELD_TYPES = [
  'email',
  'text',
  'textarea',
  'number',
  'phone',
  'select',
  'radio',
  'checkbox',
  'consent',
  'hidden',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Attribution parameters captured from the landing page URL. */
export const UTM_KEYS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;
export type UtmKey = (typeof UTM_KEYS)[number];

/** Reserved body keys beside the fields: attribution, honeypot and time trap. */
export const META_KEYS = {
  referrer: '_referrer',
  pageUrl: '_page',
  /** Honeypot: a visually hidden input humans never fill. */
  honeypot: '_website',
  /** Milliseconds between the form being shown and submitted. */
  elapsed: '_elapsed',
  /** Client-made id of one submission: a retried post that already landed is not stored twice. */
  submissionId: '_sid',
} as const;

/** Submissions faster than this after the form appeared are treated as bots. */
export const MIN_HUMAN_FILL_MS = 1500;

export interface FieldOption {
  value: string;
  label: string;
}

/** One field as the widget and the server see it (the public form definition). */
export interface PublicField {
  key: string;
  type: FieldType;
  label: string;
  placeholder: string | null;
  required: boolean;
  options: FieldOption[];
  minLength: number | null;
  maxLength: number | null;
  pattern: string | null;
  defaultValue: string | null;
  queryParam: string | null;
  consentText: string | null;
  consentVersion: number | null;
}

export interface FormTheme {
  mode: 'light' | 'dark';
  primary: string;
  background: string;
  text: string;
  font: string;
  radius: number;
}

/** What GET /api/public/forms/:publicId answers: everything the widget needs to render. */
export interface PublicForm {
  publicId: string;
  name: string;
  submitLabel: string;
  successMessage: string;
  redirectUrl: string | null;
  theme: FormTheme;
  fields: PublicField[];
  submitUrl: string;
}

export type SubmissionValue = string | number | boolean;
export type SubmissionData = Record<string, SubmissionValue>;

const PHONE_RE = /^\+?[0-9 ()./-]{5,25}$/;
const TRUE_VALUES = ['true', 'on', '1', 'yes'];
const DEFAULT_MAX: Partial<Record<FieldType, number>> = {
  textarea: 5000,
  email: EMAIL_MAX_LENGTH,
};

/** Something that answers whether a whole value matches a field's pattern. */
export interface PatternMatcher {
  test(value: string): boolean;
}

/**
 * Compiles a field pattern to a whole-value matcher; null when the pattern cannot be used.
 * The default is the engine of the runtime (the browser's, in the widget). The api passes a
 * linear-time engine instead, because a pattern is written by a tenant and run on a stranger's
 * input on a thread every other request shares.
 */
export type PatternCompiler = (pattern: string) => PatternMatcher | null;

const nativePattern: PatternCompiler = (pattern) => {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
};

export interface SubmissionSchemaOptions {
  compilePattern?: PatternCompiler;
}

const isBlank = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function textSchema(field: PublicField, compilePattern: PatternCompiler) {
  const max = field.maxLength ?? DEFAULT_MAX[field.type] ?? 1000;
  const min = field.minLength ?? 0;
  const re = field.pattern ? compilePattern(field.pattern) : null;
  const label = field.label || field.key;
  return z.pipe(
    z.pipe(
      z.union([z.string(), z.number()], { error: `${label} must be text` }),
      z.transform((v) => String(v).trim()),
    ),
    // One check in order, the first failure wins: no format check ever sees a value that is
    // too long, so the cost of a pattern is bounded by the field's length limit.
    z.string().check(
      z.superRefine((v, ctx) => {
        const problem =
          v.length < min
            ? `${label} needs at least ${min} characters`
            : v.length > max
              ? `${label} must be at most ${max} characters`
              : field.type === 'email' && !isEmailAddress(v)
                ? 'Enter a valid email address'
                : field.type === 'phone' && !PHONE_RE.test(v)
                  ? 'Enter a valid phone number'
                  : re && !re.test(v)
                    ? `${label} is not in the expected format`
                    : null;
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: v });
      }),
    ),
  );
}

function fieldSchema(
  field: PublicField,
  compilePattern: PatternCompiler,
): z.ZodMiniType<SubmissionValue | undefined, unknown> {
  const label = field.label || field.key;
  let inner: z.ZodMiniType<SubmissionValue, unknown>;
  switch (field.type) {
    case 'checkbox':
    case 'consent':
      inner = z.pipe(
        z.union([z.boolean(), z.string()], { error: `${label}: expected a checkbox value` }),
        z.transform(
          (v) => v === true || (typeof v === 'string' && TRUE_VALUES.includes(v.toLowerCase())),
        ),
      );
      break;
    case 'number':
      inner = z.pipe(
        z.union([z.number(), z.string()], { error: `${label} must be a number` }),
        z.transform((v: number | string, ctx) => {
          const n = typeof v === 'number' ? v : Number(v.trim());
          if (!Number.isFinite(n))
            ctx.issues.push({ code: 'custom', message: `${label} must be a number`, input: v });
          return n;
        }),
      );
      break;
    case 'select':
    case 'radio':
      inner = z.pipe(
        z.string({ error: `Choose one of the options for ${label}` }),
        z
          .string()
          .check(
            z.refine(
              (v) => field.options.some((o) => o.value === v),
              `Choose one of the options for ${label}`,
            ),
          ),
      );
      break;
    case 'hidden':
      inner = z.pipe(
        z.union([z.string(), z.number()], { error: `${label} must be text` }),
        z.transform((v: string | number) => String(v).slice(0, field.maxLength ?? 500)),
      );
      break;
    default:
      inner =
        field.type === 'email'
          ? z.pipe(
              textSchema(field, compilePattern),
              z.transform((v) => v.toLowerCase()),
            )
          : textSchema(field, compilePattern);
  }
  const required = field.required || field.type === 'email';
  const requiredMessage =
    field.type === 'email'
      ? 'Enter your email address'
      : field.type === 'consent'
        ? 'Please tick this box to continue'
        : field.type === 'checkbox'
          ? `Please tick: ${label}`
          : field.type === 'select' || field.type === 'radio'
            ? `Choose one of the options for ${label}`
            : `${label} is required`;
  return z.pipe(
    z.unknown(),
    z.transform((v, ctx) => {
      if (isBlank(v)) {
        if (required) ctx.issues.push({ code: 'custom', message: requiredMessage, input: v });
        return undefined;
      }
      const r = inner.safeParse(v);
      if (!r.success) {
        for (const issue of r.error.issues)
          ctx.issues.push({ code: 'custom', message: issue.message, input: v });
        return undefined;
      }
      if (required && (field.type === 'consent' || field.type === 'checkbox') && r.data !== true) {
        ctx.issues.push({ code: 'custom', message: requiredMessage, input: v });
        return undefined;
      }
      return r.data;
    }),
  );
}

/**
 * Builds the validator for one form's fields: input is the raw body (JSON or urlencoded, so
 * values may be strings), output holds one normalised value per filled field; unknown keys are
 * dropped. The api and the widget both use it, so the same rules and messages apply on both sides.
 */
export function buildSubmissionSchema(
  fields: PublicField[],
  { compilePattern = nativePattern }: SubmissionSchemaOptions = {},
) {
  const shape: Record<string, z.ZodMiniType<SubmissionValue | undefined, unknown>> = {};
  for (const f of fields) {
    // Optional fields may be absent; required ones must run so a missing key gets its message.
    const schema = fieldSchema(f, compilePattern);
    shape[f.key] = f.required || f.type === 'email' ? schema : z.optional(schema);
  }
  return z.pipe(
    // Own properties only, on an object without a prototype: a field keyed "constructor" reads
    // the visitor's value (or nothing), never Object.prototype's.
    z.pipe(
      z.transform((v: unknown) =>
        typeof v === 'object' && v !== null && !Array.isArray(v)
          ? Object.assign(Object.create(null) as Record<string, unknown>, v)
          : v,
      ),
      z.object(shape, { error: 'Send the form fields as an object' }),
    ),
    z.transform((o) => {
      const out: SubmissionData = {};
      for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
      return out;
    }),
  );
}

export type SubmissionCheck =
  { ok: true; data: SubmissionData } | { ok: false; errors: Record<string, string> };

/**
 * The validator for one form's fields, built once (building the schema costs more than running
 * it): per-field messages keyed by field key on failure, the first message per field.
 */
export function submissionValidator(
  fields: PublicField[],
  options?: SubmissionSchemaOptions,
): (input: unknown) => SubmissionCheck {
  const schema = buildSubmissionSchema(fields, options);
  return (input) => {
    const r = schema.safeParse(input);
    if (r.success) return { ok: true, data: r.data };
    const errors: Record<string, string> = {};
    for (const issue of r.error.issues) {
      const key = issue.path.length ? String(issue.path[0]) : '(body)';
      if (!Object.hasOwn(errors, key)) errors[key] = issue.message;
    }
    return { ok: false, errors };
  };
}

/** Validates `input` against the fields; per-field messages keyed by field key on failure. */
export function validateSubmission(fields: PublicField[], input: unknown): SubmissionCheck {
  return submissionValidator(fields)(input);
}
