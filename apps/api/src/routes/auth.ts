// Sign-up, sign-in and out, the current user, workspace switching, password reset and invite
// acceptance. Each route parses, applies its rate limit, calls one service of services/auth/
// (password reset: services/auth/password-reset.ts) and sets or clears the session cookie.
import { z } from 'zod';
import {
  acceptInviteSchema,
  emailSchema,
  inviteLookupSchema,
  loginSchema,
  meSchema,
  passwordResetLookupSchema,
  passwordResetRequestedSchema,
  PASSWORD_RESET_REQUESTED,
  requestPasswordResetSchema,
  resetPasswordSchema,
  signupSchema,
  switchWorkspaceSchema,
} from '@kindling/shared';
import type { Request } from 'express';
import type { AppDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { defineRoute, type AnyRoute, type Auth } from '../http/route.js';
import { enforce } from '../http/rate-limit.js';
import { clientIp } from '@kindling/runtime';
import {
  completePasswordReset,
  lookupPasswordReset,
  requestPasswordReset,
} from '../services/auth/password-reset.js';
import { sha256 } from '../auth/tokens.js';
import { clearSessionCookie, setSessionCookie } from '../auth/authenticate.js';
import { acceptInvite } from '../services/auth/accept-invite.js';
import { loadMe } from '../services/auth/load-me.js';
import { login } from '../services/auth/login.js';
import { logout } from '../services/auth/logout.js';
import { lookupInvite } from '../services/auth/lookup-invite.js';
import type { ClientInfo } from '../services/auth/session.js';
import { signup } from '../services/auth/signup.js';
import { switchWorkspace } from '../services/auth/switch-workspace.js';

const sessionAuth = (auth: Auth | null): Auth & { userId: string; sessionId: string } => {
  if (!auth?.userId || !auth.sessionId) throw new AppError('unauthorized', 'Sign in first');
  return auth as Auth & { userId: string; sessionId: string };
};

/** What a new session records about the browser that signed in. */
const clientOf = (req: Request): ClientInfo => ({
  userAgent: req.get('user-agent') ?? null,
  ip: req.ip ?? null,
});

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
        const { me, sessionToken } = await signup(db, body, clientOf(req));
        setSessionCookie(res, sessionToken, secure);
        return me;
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
        const { me, sessionToken } = await login(deps, body, ip, clientOf(req));
        setSessionCookie(res, sessionToken, secure);
        return me;
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
        await logout(db, auth?.sessionId ?? null);
        clearSessionCookie(res, secure);
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
      handler: ({ auth }) => {
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
      handler: ({ auth, body }) => switchWorkspace(db, sessionAuth(auth), body.workspaceId),
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
      handler: ({ query }) => lookupPasswordReset(deps, query.token),
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
      handler: ({ query }) => lookupInvite(db, query.token),
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
        const caller =
          auth?.kind === 'session' && auth.userId
            ? { userId: auth.userId, sessionId: auth.sessionId }
            : null;
        const { me, sessionToken } = await acceptInvite(db, caller, body, clientOf(req));
        if (sessionToken) setSessionCookie(res, sessionToken, secure);
        return me;
      },
    }),
  ];
}
