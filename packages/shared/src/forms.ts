import { z } from 'zod';
import { FIELD_TYPES, type FormTheme } from './form-submission.js';

export * from './form-submission.js';

export const fieldTypeSchema = z.enum(FIELD_TYPES);

/** Defaults every form starts with; stored theme JSON is merged over these. */
export const DEFAULT_THEME: FormTheme = {
  mode: 'light',
  primary: '#c2410c',
  background: '#ffffff',
  text: '#1f2328',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  radius: 8,
};

const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #1a2b3c');

export const themeSchema = z.object({
  mode: z.enum(['light', 'dark']).default(DEFAULT_THEME.mode),
  primary: hex.default(DEFAULT_THEME.primary),
  background: hex.default(DEFAULT_THEME.background),
  text: hex.default(DEFAULT_THEME.text),
  font: z
    .string()
    .trim()
    .max(200)
    .regex(/^[\w\s,"'-]*$/, 'Use font family names separated by commas')
    .default(DEFAULT_THEME.font),
  radius: z.number().int().min(0, 'At least 0').max(24, 'At most 24').default(DEFAULT_THEME.radius),
});

/** Field keys become submitted names and lead attributes; utm_* and _* are reserved. */
export const fieldKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'Use lower-case letters, digits and _ (start with a letter)')
  .refine((k) => !k.startsWith('utm_'), 'utm_* names are reserved for attribution');

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const fieldInputSchema = z
  .object({
    key: fieldKeySchema,
    type: fieldTypeSchema,
    label: z.string().trim().min(1, 'Give the field a label').max(200),
    placeholder: optionalText(200),
    required: z.boolean().default(false),
    options: z
      .array(
        z.object({
          value: z.string().trim().min(1, 'Option value is empty').max(200),
          label: z.string().trim().min(1, 'Option label is empty').max(200),
        }),
      )
      .max(100)
      .default([]),
    minLength: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .nullish()
      .transform((v) => v ?? null),
    maxLength: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .nullish()
      .transform((v) => v ?? null),
    pattern: optionalText(200).refine((p) => {
      if (!p) return true;
      try {
        new RegExp(p, 'u');
        return true;
      } catch {
        return false;
      }
    }, 'Not a valid regular expression'),
    defaultValue: optionalText(500),
    queryParam: optionalText(100),
    consentText: optionalText(2000),
  })
  .superRefine((f, ctx) => {
    if ((f.type === 'select' || f.type === 'radio') && f.options.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Add at least one option' });
    }
    if (f.type === 'consent' && !f.consentText) {
      ctx.addIssue({ code: 'custom', path: ['consentText'], message: 'Write the consent text' });
    }
    if (f.type === 'email' && f.key !== 'email') {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: 'The email field must be named "email"',
      });
    }
    if (f.minLength !== null && f.maxLength !== null && f.minLength > f.maxLength) {
      ctx.addIssue({ code: 'custom', path: ['minLength'], message: 'Minimum is above maximum' });
    }
  });
export type FieldInput = z.input<typeof fieldInputSchema>;

/** "https://example.com" (scheme, host, port; no path). */
export const originSchema = z
  .string()
  .trim()
  .transform((v, ctx) => {
    try {
      const u = new URL(v);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== 'null')
        return u.origin;
    } catch {
      /* reported below */
    }
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an origin like https://example.com` });
    return z.NEVER;
  });

export const formInputSchema = z
  .object({
    name: z.string().trim().min(1, 'Name the form').max(120),
    status: z.enum(['enabled', 'disabled']).default('enabled'),
    submitLabel: z.string().trim().min(1, 'Label the button').max(60).default('Subscribe'),
    successMessage: z.string().trim().min(1).max(1000).default("Thanks! You're on the list."),
    redirectUrl: z
      .string()
      .trim()
      .max(2000)
      .nullish()
      .transform((v) => (v ? v : null))
      .refine((v) => !v || /^https?:\/\//.test(v), 'Use an http(s) URL')
      .refine((v) => {
        if (!v) return true;
        try {
          new URL(v);
          return true;
        } catch {
          return false;
        }
      }, 'Not a valid URL'),
    doubleOptIn: z.boolean().default(false),
    allowedOrigins: z.array(originSchema).max(50).default([]),
    theme: themeSchema.default(() => ({ ...DEFAULT_THEME })),
    fields: z.array(fieldInputSchema).min(1).max(50),
  })
  .superRefine((f, ctx) => {
    const keys = new Set<string>();
    f.fields.forEach((field, i) => {
      if (keys.has(field.key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'key'],
          message: `Two fields are named "${field.key}"`,
        });
      }
      keys.add(field.key);
    });
    if (f.fields.filter((x) => x.type === 'email').length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['fields'],
        message: 'A form has exactly one email field',
      });
    }
  });
export type FormInput = z.input<typeof formInputSchema>;
export type FormInputParsed = z.output<typeof formInputSchema>;
