// Response schemas of the workspace routes: what apps/api declares and answers, typed for apps/web.
import { z } from 'zod';
import { roleSchema } from '../auth.js';
import { apiKeyScopeSchema } from '../permissions.js';

export const workspaceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  timeZone: z.string(),
  postalAddress: z.string(),
  /** A campaign whose identity fails a DNS check cannot be activated. */
  dnsBlocksActivation: z.boolean(),
  /** The workspace holds the demo's generated data (removable in one click). */
  demoData: z.boolean(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const memberSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

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
export type CreatedInvite = z.infer<typeof createdInviteSchema>;

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
