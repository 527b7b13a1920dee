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
  /** Refuse to activate a campaign whose sending identity fails a DNS check. */
  dnsBlocksActivation: z.boolean().optional(),
});
export type UpdateWorkspaceInput = z.input<typeof updateWorkspaceSchema>;

export const updateMemberSchema = z.object({ role: roleSchema });

export const createInviteSchema = z.object({
  /** The invite is bound to this address: only someone signed in as it can accept. */
  email: emailSchema,
  role: roleSchema.exclude(['owner']).default('member'),
});
export type CreateInviteInput = z.input<typeof createInviteSchema>;

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

export const idParamSchema = z.object({ id: z.uuid('Not a valid id') });
