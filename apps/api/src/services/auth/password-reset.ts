// Password reset by email. The link carries a 256-bit random token of which only the SHA-256 is
// stored; it works once, for 30 minutes, and using it ends every session of the user. The email
// is product mail like the double opt-in confirmation: a pre-rendered Message row enqueued to
// email.send after the commit (packages/queue withNewMessages), so suppression, throttles and the
// Outbox apply.
import { withNewMessages } from '@kindling/queue';
import { escapeHtml as esc } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { emailSends } from '../../email-queue.js';
import { AppError } from '../../http/errors.js';
import { hashPassword } from '../../auth/password.js';
import { randomToken, sha256 } from '../../auth/tokens.js';

export const RESET_TTL_MS = 30 * 60_000;

/**
 * Sends a reset link when `email` belongs to an account in some workspace; does nothing
 * otherwise (the caller answers the same either way). Earlier unused links stop working.
 */
export async function requestPasswordReset(
  deps: AppDeps,
  email: string,
  ip: string | null,
): Promise<void> {
  const { db } = deps;
  const user = await db.user.findUnique({
    where: { email },
    include: { memberships: { orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  // Every Message belongs to a workspace; an account in none cannot sign in anyway.
  const workspaceId = user?.memberships[0]?.workspaceId;
  if (!user || !workspaceId) return;
  const token = randomToken();
  const url = `${deps.config.publicUrl}/reset-password/${token}`;
  const text =
    `Hi ${user.name},\n\nsomeone (hopefully you) asked to reset the password of your Kindling ` +
    `account ${user.email}. Choose a new one here:\n\n${url}\n\nThe link works once, for 30 minutes. ` +
    `If you did not ask, ignore this email: your password stays as it is.\n`;
  const html =
    `<p>Hi ${esc(user.name)},</p><p>someone (hopefully you) asked to reset the password of your ` +
    `Kindling account ${esc(user.email)}.</p><p><a href="${esc(url)}" style="display:inline-block;` +
    `padding:10px 18px;background:#ea580c;color:#fff;border-radius:6px;text-decoration:none;` +
    `font-weight:600">Choose a new password</a></p><p style="color:#5a5751;font-size:13px">The link ` +
    `works once, for 30 minutes. If you did not ask, ignore this email: your password stays as it is.</p>`;
  // Sent through the workspace's own relay when it has one that may send (product mail has no
  // other way out of a self-hosted install); otherwise the worker's dev mail catcher takes it.
  const identity = await db.sendingIdentity.findFirst({
    where: { workspaceId, status: 'active', smtpUrlEncrypted: { not: null } },
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  });
  await withNewMessages(db, emailSends(deps), async (tx, create) => {
    await tx.passwordReset.deleteMany({ where: { userId: user.id, usedAt: null } });
    await tx.passwordReset.create({
      data: {
        userId: user.id,
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + RESET_TTL_MS),
        ip,
      },
    });
    await create({
      workspaceId,
      kind: 'account',
      identityId: identity?.id ?? null,
      toEmail: user.email,
      subject: 'Reset your Kindling password',
      messageIdDomain: new URL(deps.config.publicUrl).hostname,
      html,
      text,
    });
  });
}

/** Refuses a reset link that does not work, saying why. */
function assertOpen<T extends { usedAt: Date | null; expiresAt: Date }>(row: T | null): T {
  if (!row) throw new AppError('not_found', 'This reset link is not valid; copy the whole link');
  if (row.usedAt)
    throw new AppError('gone', 'This reset link has already been used; ask for a new one');
  if (row.expiresAt < new Date())
    throw new AppError('gone', 'This reset link has expired; ask for a new one');
  return row;
}

/** The account a reset link is for, if it still works. */
export async function lookupPasswordReset(deps: AppDeps, token: string) {
  const row = assertOpen(
    await deps.db.passwordReset.findUnique({
      where: { tokenHash: sha256(token) },
      include: { user: { select: { email: true } } },
    }),
  );
  return { email: row.user.email, expiresAt: row.expiresAt.toISOString() };
}

/** Sets the new password, uses the link up and ends every session of the user. */
export async function completePasswordReset(
  deps: AppDeps,
  token: string,
  password: string,
): Promise<void> {
  const { db } = deps;
  const row = assertOpen(
    await db.passwordReset.findUnique({ where: { tokenHash: sha256(token) } }),
  );
  const passwordHash = await hashPassword(password);
  const done = await db.$transaction(async (tx) => {
    // The conditional claim makes the link single-use even under two concurrent submits.
    const claimed = await tx.passwordReset.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
    });
    if (claimed.count === 0) return false;
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId: row.userId } });
    await tx.passwordReset.deleteMany({ where: { userId: row.userId, usedAt: null } });
    return true;
  });
  if (!done) throw new AppError('gone', 'This reset link has already been used; ask for a new one');
}
