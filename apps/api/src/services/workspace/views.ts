// The workspace routes' answers, built from rows.
import type {
  ApiKey as ApiKeyView,
  Invite as InviteView,
  Member,
  Workspace,
} from '@kindling/shared';
import { API_KEY_SCOPES, type ApiKeyScope } from '@kindling/shared';
import type { ApiKey, Db, Invite, Membership, User, Workspace as WorkspaceRow } from '@kindling/db';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const workspaceView = (w: WorkspaceRow): Workspace => ({
  id: w.id,
  name: w.name,
  timeZone: w.timeZone,
  postalAddress: w.postalAddress,
  dnsBlocksActivation: w.dnsBlocksActivation,
  demoData: w.demoData === 'seeding' || w.demoData === 'ready',
});

export const memberView = (m: Membership & { user: User }): Member => ({
  id: m.id,
  userId: m.userId,
  name: m.user.name,
  email: m.user.email,
  role: m.role,
  createdAt: m.createdAt.toISOString(),
});

export const inviteView = (i: Invite): InviteView => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expiresAt: i.expiresAt.toISOString(),
  acceptedAt: iso(i.acceptedAt),
  createdAt: i.createdAt.toISOString(),
});

export type KeyRow = ApiKey & { createdBy: Pick<User, 'id' | 'name' | 'email'> | null };

export const apiKeyView = (k: KeyRow): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes.filter((s): s is ApiKeyScope =>
    (API_KEY_SCOPES as readonly string[]).includes(s),
  ),
  createdBy: k.createdBy
    ? { id: k.createdBy.id, name: k.createdBy.name, email: k.createdBy.email }
    : null,
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
  createdAt: k.createdAt.toISOString(),
});

/** How many owners the workspace has (it must keep at least one). */
export async function ownerCount(db: Db, workspaceId: string): Promise<number> {
  return db.membership.count({ where: { workspaceId, role: 'owner' } });
}
