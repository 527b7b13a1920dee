import type { Db } from '@kindling/db';
import type { Me } from '@kindling/shared';
import { AppError } from '../../http/errors.js';
import { hashPassword } from '../../auth/password.js';
import { loadMe } from './load-me.js';
import { createSession, type ClientInfo, type SignedIn } from './session.js';

/** Creates an account, its first workspace (the user owns it) and a session. */
export async function signup(
  db: Db,
  input: { email: string; name: string; password: string; workspaceName: string },
  client: ClientInfo,
): Promise<SignedIn<Me>> {
  const existing = await db.user.findUnique({ where: { email: input.email } });
  if (existing) {
    throw new AppError('conflict', 'An account with this email exists; log in instead', [
      { field: 'email', issue: 'An account with this email exists' },
    ]);
  }
  const passwordHash = await hashPassword(input.password);
  const { user, workspace } = await db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash },
    });
    const workspace = await tx.workspace.create({ data: { name: input.workspaceName } });
    await tx.membership.create({
      data: { userId: user.id, workspaceId: workspace.id, role: 'owner' },
    });
    return { user, workspace };
  });
  const sessionToken = await createSession(db, user.id, workspace.id, client);
  return { me: await loadMe(db, user.id, workspace.id), sessionToken };
}
