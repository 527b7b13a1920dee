import { z } from 'zod';
import {
  acceptInviteSchema,
  emailSchema,
  loginSchema,
  meSchema,
  PASSWORD_RESET_REQUESTED,
  requestPasswordResetSchema,
  resetPasswordSchema,
  inviteLookupSchema,
  passwordResetLookupSchema,
  passwordResetRequestedSchema,
  signupSchema,
  switchWorkspaceSchema,
  hasRole,
  type Me,
} from '@kindling/shared';
import type { Db } from '@kindling/db';
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute, type AnyRoute, type Auth } from '../http/route.js';
import { enforce } from '../http/rate-limit.js';
import { loginFailed, loginSucceeded, throttleLogin } from '../auth/login-throttle.js';
import { clientIp } from '@kindling/runtime';
import {
  completePasswordReset,
  lookupPasswordReset,
  requestPasswordReset,
} from '../auth/password-reset.js';
import { hashPassword, verifyDummy, verifyPassword } from '../auth/password.js';
import { randomToken, sha256 } from '../auth/tokens.js';
import { SESSION_TTL_MS, clearSessionCookie, setSessionCookie } from '../auth/authenticate.js';

/** Loads what the web app needs about the caller. */
export async function loadMe(db: Db, userId: string, workspaceId: string): Promise<Me> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    include: { memberships: { include: { workspace: true }, orderBy: { createdAt: 'asc' } } },
  });
  const current = user.memberships.find((m) => m.workspaceId === workspaceId);
  if (!current) throw new AppError('unauthorized', 'Sign in first');
  const { id, name, timeZone, postalAddress } = current.workspace;
  return {
    user: { id: user.id, email: user.email, name: user.name },
    workspace: { id, name, timeZone, postalAddress },
    role: current.role,
    workspaces: user.memberships.map((m) => ({
      id: m.workspaceId,
      name: m.workspace.name,
      role: m.role,
    })),
  };
}

async function startSession(
  deps: AppDeps,
  req: Request,
  res: Response,
  userId: string,
  workspaceId: string,
): Promise<void> {
  const token = randomToken();
  await deps.db.session.create({
    data: {
      tokenHash: sha256(token),
      userId,
      workspaceId,
      userAgent: req.get('user-agent')?.slice(0, 300) ?? null,
      ip: req.ip ?? null,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    },
  });
  setSessionCookie(res, token, deps.config.publicUrl.startsWith('https:'));
}

const sessionAuth = (auth: Auth | null): Auth & { userId: string; sessionId: string } => {
  if (!auth?.userId || !auth.sessionId) throw new AppError('unauthorized', 'Sign in first');
  return auth as Auth & { userId: string; sessionId: string };
};

/** Why an invite link no longer works, in words its holder can act on (410, not 404). */
function inviteClosedReason(invite: {
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

async function findOpenInvite(db: Db, token: string) {
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

export function authRoutes(deps: AppDeps): AnyRoute[] {
  const { db, redis } = deps;
  const secure = deps.config.publicUrl.startsWith('https:');
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/signup',
      summary: 'Create an account and its first workspace',
      tag: 'auth',
      auth: 'public',
      body: signupSchema,
      response: meSchema,
      status: 201,
      handler: async ({ req, res, body }) => {
        await enforce(
          redis,
          [{ key: `signup:ip:${req.ip}`, limit: 20, windowMs: 3600_000 }],
          'Too many sign-ups from this address.',
        );
        const existing = await db.user.findUnique({ where: { email: body.email } });
        if (existing) {
          throw new AppError('conflict', 'An account with this email exists; log in instead', [
            { field: 'email', issue: 'An account with this email exists' },
          ]);
        }
        const passwordHash = await hashPassword(body.password);
        const { user, workspace } = await db.$transaction(async (tx) => {
          const user = await tx.user.create({
            data: { email: body.email, name: body.name, passwordHash },
          });
          const workspace = await tx.workspace.create({ data: { name: body.workspaceName } });
          await tx.membership.create({
            data: { userId: user.id, workspaceId: workspace.id, role: 'owner' },
          });
          return { user, workspace };
        });
        await startSession(deps, req, res, user.id, workspace.id);
        return loadMe(db, user.id, workspace.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in with email and password (throttled per IP and account, never locked)',
      tag: 'auth',
      auth: 'public',
      body: loginSchema,
      response: meSchema,
      handler: async ({ req, res, body }) => {
        const ip = clientIp(req, deps.config.trustProxy) ?? 'unknown';
        await throttleLogin(redis, body.email, ip);
        const user = await db.user.findUnique({
          where: { email: body.email },
          include: { memberships: { orderBy: { createdAt: 'asc' }, take: 1 } },
        });
        const ok = user
          ? await verifyPassword(body.password, user.passwordHash)
          : await verifyDummy(body.password);
        const membership = user?.memberships[0];
        if (!user || !ok) {
          await loginFailed(redis, body.email, ip);
          throw new AppError('unauthorized', 'Email or password is wrong');
        }
        if (!membership)
          throw new AppError('forbidden', 'This account belongs to no workspace any more');
        await loginSucceeded(redis, body.email, ip);
        await startSession(deps, req, res, user.id, membership.workspaceId);
        return loadMe(db, user.id, membership.workspaceId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'Sign out (ends this session)',
      tag: 'auth',
      auth: 'public',
      status: 204,
      handler: async ({ res, auth }) => {
        if (auth?.sessionId) await db.session.deleteMany({ where: { id: auth.sessionId } });
        clearSessionCookie(res, secure);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/me',
      summary: 'The signed-in user, current workspace and role',
      tag: 'auth',
      auth: 'session',
      permission: 'read',
      response: meSchema,
      handler: async ({ auth }) => {
        const a = sessionAuth(auth);
        return loadMe(db, a.userId, a.workspaceId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/switch-workspace',
      summary: 'Act in another workspace the user belongs to',
      tag: 'auth',
      auth: 'session',
      permission: 'read',
      body: switchWorkspaceSchema,
      response: meSchema,
      handler: async ({ auth, body }) => {
        const a = sessionAuth(auth);
        const membership = await db.membership.findUnique({
          where: { workspaceId_userId: { workspaceId: body.workspaceId, userId: a.userId } },
        });
        if (!membership) throw notFound('Workspace');
        await db.session.update({
          where: { id: a.sessionId },
          data: { workspaceId: body.workspaceId },
        });
        return loadMe(db, a.userId, body.workspaceId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password-reset/request',
      summary: 'Email a password reset link (same answer whether or not the account exists)',
      tag: 'auth',
      auth: 'public',
      body: requestPasswordResetSchema,
      response: passwordResetRequestedSchema,
      status: 202,
      handler: async ({ req, body }) => {
        const ip = clientIp(req, deps.config.trustProxy);
        await enforce(
          redis,
          [
            { key: `reset:ip:${ip}`, limit: 10, windowMs: 15 * 60_000 },
            { key: `reset:acct:${sha256(body.email)}`, limit: 3, windowMs: 15 * 60_000 },
          ],
          'Too many reset requests.',
        );
        await requestPasswordReset(deps, body.email, ip);
        return { message: PASSWORD_RESET_REQUESTED };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/password-reset/lookup',
      summary: 'Whether a reset link still works, and for which account (public)',
      tag: 'auth',
      auth: 'public',
      query: z.object({ token: z.string().min(20).max(200) }),
      response: passwordResetLookupSchema,
      handler: async ({ query }) => lookupPasswordReset(deps, query.token),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password-reset',
      summary: 'Set a new password from a reset link; ends every session of the account',
      tag: 'auth',
      auth: 'public',
      body: resetPasswordSchema,
      status: 204,
      handler: async ({ req, res, body }) => {
        await enforce(
          redis,
          [
            {
              key: `reset:ip:${clientIp(req, deps.config.trustProxy)}`,
              limit: 30,
              windowMs: 15 * 60_000,
            },
          ],
          'Too many attempts.',
        );
        await completePasswordReset(deps, body.token, body.password);
        clearSessionCookie(res, secure);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/invites/lookup',
      summary: 'What an invite link grants (public)',
      tag: 'auth',
      auth: 'public',
      query: z.object({ token: z.string().min(20).max(200) }),
      response: inviteLookupSchema,
      handler: async ({ query }) => {
        const invite = await findOpenInvite(db, query.token);
        return {
          workspaceName: invite.workspace.name,
          role: invite.role,
          email: invite.email,
          expiresAt: invite.expiresAt.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/accept-invite',
      summary: 'Join a workspace from an invite link (signed in, or creating an account)',
      tag: 'auth',
      auth: 'public',
      body: acceptInviteSchema.extend({ email: emailSchema.optional() }),
      response: meSchema,
      handler: async ({ req, res, auth, body }) => {
        await enforce(
          redis,
          [{ key: `invite:ip:${req.ip}`, limit: 30, windowMs: 15 * 60_000 }],
          'Too many attempts.',
        );
        const invite = await findOpenInvite(db, body.token);
        let userId: string;
        if (auth?.kind === 'session' && auth.userId) {
          // The invite is for one address: whoever else holds the link cannot take it.
          const user = await db.user.findUniqueOrThrow({ where: { id: auth.userId } });
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
          if (body.email && body.email !== invite.email) {
            throw new AppError('forbidden', `This invite is for ${invite.email} only`, [
              { field: 'email', issue: `The invite is for ${invite.email}` },
            ]);
          }
          const missing = [
            !body.name && { field: 'name', issue: 'Enter your name' },
            !body.password && { field: 'password', issue: 'Choose a password' },
          ].filter((d): d is { field: string; issue: string } => Boolean(d));
          if (missing.length || !body.name || !body.password) {
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
              name: body.name,
              passwordHash: await hashPassword(body.password),
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
        if (auth?.sessionId) {
          await db.session.update({
            where: { id: auth.sessionId },
            data: { workspaceId: invite.workspaceId },
          });
        } else {
          await startSession(deps, req, res, userId, invite.workspaceId);
        }
        return loadMe(db, userId, invite.workspaceId);
      },
    }),
  ];
}
