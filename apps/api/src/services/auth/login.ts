import type { Me } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { loginFailed, loginSucceeded, throttleLogin } from '../../auth/login-throttle.js';
import { verifyDummy, verifyPassword } from '../../auth/password.js';
import { loadMe } from './load-me.js';
import { createSession, type ClientInfo, type SignedIn } from './session.js';

/**
 * Signs in with email and password into the user's first workspace. Throttled per client IP
 * (`throttleIp`, the normalised one) and per account, never locked; an unknown address costs the
 * same time as a wrong password.
 */
export async function login(
  deps: AppDeps,
  input: { email: string; password: string },
  throttleIp: string,
  client: ClientInfo,
): Promise<SignedIn<Me>> {
  const { db, redis } = deps;
  await throttleLogin(redis, input.email, throttleIp);
  const user = await db.user.findUnique({
    where: { email: input.email },
    include: { memberships: { orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  const ok = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyDummy(input.password);
  const membership = user?.memberships[0];
  if (!user || !ok) {
    await loginFailed(redis, input.email, throttleIp);
    throw new AppError('unauthorized', 'Email or password is wrong');
  }
  if (!membership) throw new AppError('forbidden', 'This account belongs to no workspace any more');
  await loginSucceeded(redis, input.email, throttleIp);
  const sessionToken = await createSession(db, user.id, membership.workspaceId, client);
  return { me: await loadMe(db, user.id, membership.workspaceId), sessionToken };
}
