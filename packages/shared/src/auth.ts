import { z } from 'zod';
import { EMAIL_MAX_LENGTH, isEmailAddress } from './email.js';

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** An email address by the one rule (email.ts), trimmed and lower-cased. */
export const emailSchema = z
  .string()
  .trim()
  .max(EMAIL_MAX_LENGTH, 'Email is too long')
  .refine(isEmailAddress, 'Enter a valid email address')
  .transform((e) => e.toLowerCase());

export const passwordSchema = z
  .string()
  .min(10, 'Use at least 10 characters')
  .max(200, 'Use at most 200 characters');

export const signupSchema = z.object({
  name: z.string().trim().min(1, 'Enter your name').max(100),
  email: emailSchema,
  password: passwordSchema,
  workspaceName: z.string().trim().min(1, 'Name your workspace').max(100),
});
export type SignupInput = z.input<typeof signupSchema>;

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password').max(200),
});
export type LoginInput = z.input<typeof loginSchema>;

export const acceptInviteSchema = z.object({
  token: z.string().min(20).max(200),
  name: z.string().trim().min(1, 'Enter your name').max(100).optional(),
  password: passwordSchema.optional(),
});
export type AcceptInviteInput = z.input<typeof acceptInviteSchema>;

export const switchWorkspaceSchema = z.object({ workspaceId: z.uuid() });

export const requestPasswordResetSchema = z.object({ email: emailSchema });
export type RequestPasswordResetInput = z.input<typeof requestPasswordResetSchema>;

export const resetPasswordSchema = z.object({
  token: z.string().min(20).max(200),
  password: passwordSchema,
});
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;

/** The answer to a reset request: the same whether or not the address has an account. */
export const PASSWORD_RESET_REQUESTED =
  'If an account uses that address, we have emailed it a link to choose a new password. The link works for 30 minutes.';
