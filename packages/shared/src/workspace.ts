import { z } from 'zod';
import { emailSchema, roleSchema } from './auth.js';
import { apiKeyScopeSchema } from './permissions.js';

/** True when `tz` is an IANA time zone the runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, 'Unknown time zone (use an IANA name such as Europe/Berlin)');

export const updateWorkspaceSchema = z.object({
  name: z.string().trim().min(1, 'Name your workspace').max(100).optional(),
  timeZone: timeZoneSchema.optional(),
  postalAddress: z.string().trim().max(500).optional(),
});
export type UpdateWorkspaceInput = z.input<typeof updateWorkspaceSchema>;

export const workspaceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  timeZone: z.string(),
  postalAddress: z.string(),
});

export const memberSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

export const updateMemberSchema = z.object({ role: roleSchema });

export const createInviteSchema = z.object({
  /** The invite is bound to this address: only someone signed in as it can accept. */
  email: emailSchema,
  role: roleSchema.exclude(['owner']).default('member'),
});
export type CreateInviteInput = z.input<typeof createInviteSchema>;

export const inviteSchema = z.object({
  id: z.uuid(),
  email: z.string().nullable(),
  role: roleSchema,
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Invite = z.infer<typeof inviteSchema>;

/** Answer to creating an invite: the link is shown once. */
export const createdInviteSchema = inviteSchema.extend({ url: z.string() });

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Name the key').max(100),
  /** What the key may do; at most what the creator's role allows. */
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1, 'Choose at least one scope')
    .max(10)
    .transform((s) => [...new Set(s)]),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  /** Who made the key (its rights never exceed theirs); null once they are gone. */
  createdBy: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** Answer to creating an API key: `key` is shown exactly once. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const idParamSchema = z.object({ id: z.uuid('Not a valid id') });
