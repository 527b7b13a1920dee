import type { Db } from '@kindling/db';

/** Ends one session (signing out of this browser only). */
export async function logout(db: Db, sessionId: string | null): Promise<void> {
  if (sessionId) await db.session.deleteMany({ where: { id: sessionId } });
}
