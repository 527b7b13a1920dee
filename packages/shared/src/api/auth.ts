// Response schemas of the auth routes: what apps/api declares and answers, typed for apps/web.
import { z } from 'zod';
import { roleSchema } from '../auth.js';

export const meSchema = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  workspace: z.object({
    id: z.uuid(),
    name: z.string(),
    timeZone: z.string(),
    postalAddress: z.string(),
  }),
  role: roleSchema,
  workspaces: z.array(z.object({ id: z.uuid(), name: z.string(), role: roleSchema })),
});
export type Me = z.infer<typeof meSchema>;

/** GET /api/invites/lookup: what an invite link grants. */
export const inviteLookupSchema = z.object({
  workspaceName: z.string(),
  role: roleSchema,
  /** The invite is bound to this address. */
  email: z.string(),
  expiresAt: z.string(),
});
export type InviteLookup = z.infer<typeof inviteLookupSchema>;

/** POST /api/auth/password-reset/request: the same message whether or not the account exists. */
export const passwordResetRequestedSchema = z.object({ message: z.string() });
export type PasswordResetRequested = z.infer<typeof passwordResetRequestedSchema>;

/** GET /api/auth/password-reset/lookup: the account a reset link is for. */
export const passwordResetLookupSchema = z.object({ email: z.string(), expiresAt: z.string() });
export type PasswordResetLookup = z.infer<typeof passwordResetLookupSchema>;
