import type { Db } from '@kindling/db';
import { AppError } from '../../http/errors.js';
import { sha256 } from '../../auth/tokens.js';

/** Why an invite link no longer works, in words its holder can act on (410, not 404). */
export function inviteClosedReason(invite: {
  acceptedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}): string | null {
  if (invite.revokedAt) return 'This invite was revoked. Ask a workspace admin for a new one.';
  if (invite.acceptedAt)
    return 'This invite has already been used. If that was you, log in; otherwise ask for a new one.';
  if (invite.expiresAt < new Date())
    return `This invite expired on ${invite.expiresAt.toISOString().slice(0, 10)}. Ask a workspace admin for a new one.`;
  return null;
}

/** The open invite a link's token names, bound to an address; 404 or 410 otherwise. */
export async function findOpenInvite(db: Db, token: string) {
  const invite = await db.invite.findUnique({
    where: { tokenHash: sha256(token) },
    include: { workspace: true },
  });
  if (!invite)
    throw new AppError('not_found', 'This invite link is not valid; copy the whole link');
  const closed = inviteClosedReason(invite);
  if (closed) throw new AppError('gone', closed);
  // Invites made before they were bound to an address cannot prove who they were meant for.
  if (!invite.email)
    throw new AppError('gone', 'This invite names no email address; ask for a new one.');
  return { ...invite, email: invite.email };
}
