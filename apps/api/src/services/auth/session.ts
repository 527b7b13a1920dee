import type { Db } from '@kindling/db';
import { SESSION_TTL_MS } from '../../auth/authenticate.js';
import { randomToken, sha256 } from '../../auth/tokens.js';

/** Where a sign-in came from, stored with its session. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

/** A signed-in session's answer: what the web app shows, and the cookie token (set by the route). */
export interface SignedIn<T> {
  me: T;
  sessionToken: string;
}

/** Starts a session of `userId` in `workspaceId`; returns the token (only its hash is stored). */
export async function createSession(
  db: Db,
  userId: string,
  workspaceId: string,
  client: ClientInfo,
): Promise<string> {
  const token = randomToken();
  await db.session.create({
    data: {
      tokenHash: sha256(token),
      userId,
      workspaceId,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      ip: client.ip,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    },
  });
  return token;
}
