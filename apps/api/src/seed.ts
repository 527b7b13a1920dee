// Seeds the demo workspace and login. Idempotent: running it again changes nothing.
import { createDb, assertDbReachable, type Db } from '@kindling/db';
import { hashPassword, verifyPassword } from './auth/password.js';

export const DEMO = {
  email: 'demo@kindling.local',
  password: 'kindling-demo',
  name: 'Demo User',
  workspace: 'Demo Workspace',
} as const;

/** Ensures the demo user exists and owns a workspace named DEMO.workspace. */
export async function seedDemo(db: Db): Promise<{ userId: string; workspaceId: string }> {
  let user = await db.user.findUnique({ where: { email: DEMO.email } });
  if (!user) {
    user = await db.user.create({
      data: { email: DEMO.email, name: DEMO.name, passwordHash: await hashPassword(DEMO.password) },
    });
  } else if (!(await verifyPassword(DEMO.password, user.passwordHash))) {
    user = await db.user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(DEMO.password) },
    });
  }
  const membership = await db.membership.findFirst({
    where: { userId: user.id, role: 'owner', workspace: { name: DEMO.workspace } },
  });
  if (membership) return { userId: user.id, workspaceId: membership.workspaceId };
  const workspace = await db.workspace.create({
    data: {
      name: DEMO.workspace,
      timeZone: 'Europe/Berlin',
      postalAddress: 'Kindling Demo GmbH, Feuerweg 1, 10115 Berlin, Germany',
      memberships: { create: { userId: user.id, role: 'owner' } },
    },
  });
  return { userId: user.id, workspaceId: workspace.id };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kindling';
  const db = createDb(url);
  assertDbReachable(db, url)
    .then(() => seedDemo(db))
    .then(async () => {
      console.log(`demo login: ${DEMO.email} / ${DEMO.password}`);
      await db.$disconnect();
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
