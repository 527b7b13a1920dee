import type { Db } from '@kindling/db';
import { hasRole, type Me } from '@kindling/shared';
import { AppError } from '../../http/errors.js';
import { hashPassword } from '../../auth/password.js';
import { loadMe } from './load-me.js';
import { findOpenInvite, inviteClosedReason } from './open-invite.js';
import { createSession, type ClientInfo } from './session.js';

/** The signed-in caller of an accept, if any. */
export interface InviteCaller {
  userId: string;
  sessionId: string | null;
}

/**
 * Joins the invite's workspace with its role: as the signed-in user the invite is for, or by
 * creating that account. The invite is claimed once; a signed-in session moves to the workspace,
 * a new account gets a session (`sessionToken`, null when an existing session moved).
 */
export async function acceptInvite(
  db: Db,
  caller: InviteCaller | null,
  input: { token: string; email?: string; name?: string; password?: string },
  client: ClientInfo,
): Promise<{ me: Me; sessionToken: string | null }> {
  const invite = await findOpenInvite(db, input.token);
  let userId: string;
  if (caller) {
    // The invite is for one address: whoever else holds the link cannot take it.
    const user = await db.user.findUniqueOrThrow({ where: { id: caller.userId } });
    if (user.email !== invite.email) {
      throw new AppError(
        'forbidden',
        `This invite is for ${invite.email}; you are signed in as ${user.email}. Log out, then open the link again.`,
      );
    }
    userId = user.id;
    const membership = await db.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: invite.workspaceId, userId } },
    });
    const current = membership?.role ?? null;
    if (current && hasRole(current, invite.role)) {
      // Accepting would change nothing or lower the role: refuse and leave the invite open
      // for an admin to revoke, rather than use it up silently.
      throw new AppError(
        'conflict',
        current === invite.role
          ? `You are already ${current} of ${invite.workspace.name}; this invite changes nothing.`
          : `You are ${current} of ${invite.workspace.name}; this ${invite.role} invite would lower your role. Ask an admin to change roles in Settings → Members.`,
      );
    }
  } else {
    if (input.email && input.email !== invite.email) {
      throw new AppError('forbidden', `This invite is for ${invite.email} only`, [
        { field: 'email', issue: `The invite is for ${invite.email}` },
      ]);
    }
    const missing = [
      !input.name && { field: 'name', issue: 'Enter your name' },
      !input.password && { field: 'password', issue: 'Choose a password' },
    ].filter((d): d is { field: string; issue: string } => Boolean(d));
    if (missing.length || !input.name || !input.password) {
      throw new AppError('validation_failed', 'Some fields are invalid', missing);
    }
    if (await db.user.findUnique({ where: { email: invite.email } })) {
      throw new AppError(
        'conflict',
        `An account for ${invite.email} exists; log in, then open the link again`,
      );
    }
    const user = await db.user.create({
      data: {
        email: invite.email,
        name: input.name,
        passwordHash: await hashPassword(input.password),
      },
    });
    userId = user.id;
  }
  const accepted = await db.$transaction(async (tx) => {
    const claimed = await tx.invite.updateMany({
      where: { id: invite.id, acceptedAt: null, revokedAt: null },
      data: { acceptedAt: new Date() },
    });
    if (claimed.count === 0) return false;
    await tx.membership.upsert({
      where: { workspaceId_userId: { workspaceId: invite.workspaceId, userId } },
      create: { workspaceId: invite.workspaceId, userId, role: invite.role },
      update: { role: invite.role },
    });
    return true;
  });
  if (!accepted) {
    const now = await db.invite.findUniqueOrThrow({ where: { id: invite.id } });
    throw new AppError('gone', inviteClosedReason(now) ?? 'This invite no longer works');
  }
  let sessionToken: string | null = null;
  if (caller?.sessionId) {
    await db.session.update({
      where: { id: caller.sessionId },
      data: { workspaceId: invite.workspaceId },
    });
  } else {
    sessionToken = await createSession(db, userId, invite.workspaceId, client);
  }
  return { me: await loadMe(db, userId, invite.workspaceId), sessionToken };
}
