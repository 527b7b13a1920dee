// Response schemas of the form and public form routes (apps/api answers, apps/web types).
import { z } from 'zod';
import { UTM_KEYS } from '../form-submission.js';
import { fieldTypeSchema, themeSchema } from '../forms.js';

/** One field as the widget renders it (`PublicField`). */
export const publicFieldSchema = z.object({
  key: z.string(),
  type: fieldTypeSchema,
  label: z.string(),
  placeholder: z.string().nullable(),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string(), label: z.string() })),
  minLength: z.number().int().nullable(),
  maxLength: z.number().int().nullable(),
  pattern: z.string().nullable(),
  defaultValue: z.string().nullable(),
  queryParam: z.string().nullable(),
  consentText: z.string().nullable(),
  consentVersion: z.number().int().nullable(),
});

export const formFieldSchema = publicFieldSchema.extend({
  id: z.uuid(),
  position: z.number().int(),
});
export type FormField = z.infer<typeof formFieldSchema>;

export const formSchema = z.object({
  id: z.uuid(),
  publicId: z.string(),
  name: z.string(),
  status: z.enum(['enabled', 'disabled']),
  submitLabel: z.string(),
  successMessage: z.string(),
  redirectUrl: z.string().nullable(),
  doubleOptIn: z.boolean(),
  allowedOrigins: z.array(z.string()),
  theme: themeSchema,
  fields: z.array(formFieldSchema),
  submissionCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Form = z.infer<typeof formSchema>;

export const formSummarySchema = formSchema.omit({ fields: true }).extend({
  fieldCount: z.number().int(),
  lastSubmissionAt: z.string().nullable(),
});
export type FormSummary = z.infer<typeof formSummarySchema>;

export const submissionSchema = z.object({
  id: z.uuid(),
  leadId: z.uuid().nullable(),
  email: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  isSpam: z.boolean(),
  spamReason: z.string().nullable(),
  utm: z.object(Object.fromEntries(UTM_KEYS.map((k) => [k, z.string().nullable()]))),
  referrer: z.string().nullable(),
  pageUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type Submission = z.infer<typeof submissionSchema>;

/** GET /api/public/forms/:publicId: everything the embed widget needs (`PublicForm`). */
export const publicFormSchema = z.object({
  publicId: z.string(),
  name: z.string(),
  submitLabel: z.string(),
  successMessage: z.string(),
  redirectUrl: z.string().nullable(),
  theme: themeSchema,
  fields: z.array(publicFieldSchema),
  submitUrl: z.string(),
});

/** POST /api/public/forms/:publicId/submissions (JSON): 202 with this. */
export const submissionAcceptedSchema = z.object({
  status: z.enum(['accepted', 'duplicate']),
  confirmationRequired: z.boolean(),
});
export type SubmissionAccepted = z.infer<typeof submissionAcceptedSchema>;
