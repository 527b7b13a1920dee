import type { Db } from '@kindling/db';
import type { Auth } from '../../http/route.js';

/** Who acted on a message awaiting review, for its history. */
export async function reviewActor(db: Db, auth: Auth): Promise<string> {
  if (auth.userId) {
    const u = await db.user.findUnique({ where: { id: auth.userId }, select: { email: true } });
    if (u) return u.email;
  }
  return auth.apiKeyId ? `API key ${auth.apiKeyId}` : 'unknown';
}
