// Response schemas of the form routes (apps/api routes/forms.ts and public/index.ts).
import { z } from 'zod';
import { FIELD_TYPES } from '../form-submission.js';

/** A form's theme as answered (stored theme JSON merged over the defaults). */
export const formThemeViewSchema = z.object({
  mode: z.enum(['light', 'dark']),
  primary: z.string(),
  background: z.string(),
  text: z.string(),
  font: z.string(),
  radius: z.number(),
});

/** One field as the widget renders it (`PublicField`). */
export const publicFieldSchema = z.object({
  key: z.string(),
  type: z.enum(FIELD_TYPES),
  label: z.string(),
  placeholder: z.string().nullable(),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string(), label: z.string() })),
  minLength: z.number().nullable(),
  maxLength: z.number().nullable(),
  pattern: z.string().nullable(),
  defaultValue: z.string().nullable(),
  queryParam: z.string().nullable(),
  consentText: z.string().nullable(),
  consentVersion: z.number().nullable(),
});

/** GET /api/public/forms/:publicId: everything the embed widget needs (`PublicForm`). */
export const publicFormSchema = z.object({
  publicId: z.string(),
  name: z.string(),
  submitLabel: z.string(),
  successMessage: z.string(),
  redirectUrl: z.string().nullable(),
  theme: formThemeViewSchema,
  fields: z.array(publicFieldSchema),
  submitUrl: z.string(),
});

/** POST /api/public/forms/:publicId/submissions (JSON): 202 with this. */
export const submissionAcceptedSchema = z.object({
  status: z.enum(['accepted', 'duplicate']),
  confirmationRequired: z.boolean(),
});
export type SubmissionAccepted = z.infer<typeof submissionAcceptedSchema>;
