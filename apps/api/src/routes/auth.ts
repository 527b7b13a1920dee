import { z } from 'zod';
import {
  acceptInviteSchema,
  emailSchema,
  loginSchema,
  meSchema,
  passwordSchema,
  signupSchema,
  switchWorkspaceSchema,
  type Me,
} from '@kindling/shared';
import type { Db } from '@kindling/db';
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute, type AnyRoute, type Auth } from '../http/route.js';
import { enforce, reset } from '../http/rate-limit.js';
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

const inviteLookupSchema = z.object({
  workspaceName: z.string(),
  role: z.enum(['owner', 'admin', 'member']),
  email: z.string().nullable(),
  expiresAt: z.string(),
});

async function findOpenInvite(db: Db, token: string) {
  const invite = await db.invite.findUnique({
    where: { tokenHash: sha256(token) },
    include: { workspace: true },
  });
  if (!invite || invite.acceptedAt || invite.revokedAt || invite.expiresAt < new Date()) {
    throw new AppError('not_found', 'This invite link is invalid, used or expired');
  }
  return invite;
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
      summary: 'Sign in with email and password (rate limited)',
      tag: 'auth',
      auth: 'public',
      body: loginSchema,
      response: meSchema,
      handler: async ({ req, res, body }) => {
        const accountKey = `login:acct:${sha256(body.email)}`;
        await enforce(
          redis,
          [
            { key: `login:ip:${req.ip}`, limit: 30, windowMs: 15 * 60_000 },
            { key: accountKey, limit: 10, windowMs: 15 * 60_000 },
          ],
          'Too many sign-in attempts.',
        );
        const user = await db.user.findUnique({
          where: { email: body.email },
          include: { memberships: { orderBy: { createdAt: 'asc' }, take: 1 } },
        });
        const ok = user
          ? await verifyPassword(body.password, user.passwordHash)
          : await verifyDummy(body.password);
        const membership = user?.memberships[0];
        if (!user || !ok) throw new AppError('unauthorized', 'Email or password is wrong');
        if (!membership)
          throw new AppError('forbidden', 'This account belongs to no workspace any more');
        await reset(redis, accountKey);
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
        let userId = auth?.kind === 'session' ? auth.userId : null;
        if (!userId) {
          const email = invite.email ?? body.email;
          const missing = [
            !body.name && { field: 'name', issue: 'Enter your name' },
            !email && { field: 'email', issue: 'Enter your email' },
            !body.password && { field: 'password', issue: 'Choose a password' },
          ].filter((d): d is { field: string; issue: string } => Boolean(d));
          if (missing.length || !email || !body.name || !body.password) {
            throw new AppError('validation_failed', 'Some fields are invalid', missing);
          }
          passwordSchema.parse(body.password);
          if (await db.user.findUnique({ where: { email } })) {
            throw new AppError(
              'conflict',
              'An account with this email exists; log in, then open the link again',
            );
          }
          const user = await db.user.create({
            data: { email, name: body.name, passwordHash: await hashPassword(body.password) },
          });
          userId = user.id;
        }
        const accepted = await db.$transaction(async (tx) => {
          const claimed = await tx.invite.updateMany({
            where: { id: invite.id, acceptedAt: null },
            data: { acceptedAt: new Date() },
          });
          if (claimed.count === 0) return false;
          await tx.membership.upsert({
            where: { workspaceId_userId: { workspaceId: invite.workspaceId, userId: userId } },
            create: { workspaceId: invite.workspaceId, userId: userId, role: invite.role },
            update: {},
          });
          return true;
        });
        if (!accepted)
          throw new AppError('not_found', 'This invite link is invalid, used or expired');
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
