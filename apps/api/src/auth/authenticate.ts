import type { RequestHandler, Response } from 'express';
import type { Db } from '@kindling/db';
import { AppError } from '../http/errors.js';
import type { Auth, AuthMode } from '../http/route.js';
import { sha256 } from './tokens.js';

export const SESSION_COOKIE = 'kl_session';
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const TOUCH_EVERY_MS = 5 * 60 * 1000;
export const API_KEY_PREFIX = 'kl_';

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A cookie we did not set (broken percent-encoding) is no session, not a server error.
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Sets the session cookie: httpOnly, SameSite=Lax, Secure when served over https. */
export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_TTL_MS,
  });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller from an API key (`Authorization: Bearer kl_…`) or the session cookie and
 * puts it on `req.auth`. Cookie-authenticated writes must be JSON: a cross-site HTML form cannot
 * send that without a CORS preflight, which this api never grants (CSRF defence with SameSite).
 */
export function createAuthenticator(db: Db): (mode: AuthMode) => RequestHandler {
  return (mode) => async (req, _res, next) => {
    req.auth = null;
    const header = req.get('authorization');
    if (header?.startsWith('Bearer ')) {
      if (mode === 'session')
        throw new AppError('forbidden', 'API keys cannot manage accounts; sign in');
      const key = header.slice(7).trim();
      const row = key.startsWith(API_KEY_PREFIX)
        ? await db.apiKey.findUnique({ where: { keyHash: sha256(key) } })
        : null;
      if (!row || row.revokedAt) throw new AppError('unauthorized', 'Invalid or revoked API key');
      if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
        await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
      }
      req.auth = {
        kind: 'apiKey',
        workspaceId: row.workspaceId,
        role: 'admin',
        userId: null,
        sessionId: null,
        apiKeyId: row.id,
      } satisfies Auth;
      return next();
    }
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token) {
      const session = await db.session.findUnique({ where: { tokenHash: sha256(token) } });
      if (session && session.expiresAt.getTime() > Date.now()) {
        const membership = await db.membership.findUnique({
          where: {
            workspaceId_userId: { workspaceId: session.workspaceId, userId: session.userId },
          },
        });
        if (membership) {
          if (Date.now() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
            await db.session.update({
              where: { id: session.id },
              data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_TTL_MS) },
            });
          }
          req.auth = {
            kind: 'session',
            workspaceId: session.workspaceId,
            role: membership.role,
            userId: session.userId,
            sessionId: session.id,
            apiKeyId: null,
          };
        }
      }
      // Cross-site requests without CORS can only be GET/POST with a form content type; DELETE
      // cannot be sent cross-site at all, so a body-less DELETE is fine.
      const bodyless = req.method === 'DELETE' && !req.headers['content-type'];
      if (req.auth && !SAFE_METHODS.has(req.method) && !bodyless && !req.is('application/json')) {
        throw new AppError('bad_request', 'Send JSON (Content-Type: application/json)');
      }
    }
    if (mode !== 'public' && !req.auth) throw new AppError('unauthorized', 'Sign in first');
    next();
  };
}
