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
  if (membership) {
    await seedDemoForm(db, membership.workspaceId);
    return { userId: user.id, workspaceId: membership.workspaceId };
  }
  const workspace = await db.workspace.create({
    data: {
      name: DEMO.workspace,
      timeZone: 'Europe/Berlin',
      postalAddress: 'Kindling Demo GmbH, Feuerweg 1, 10115 Berlin, Germany',
      memberships: { create: { userId: user.id, role: 'owner' } },
    },
  });
  await seedDemoForm(db, workspace.id);
  return { userId: user.id, workspaceId: workspace.id };
}

/** The demo workspace's newsletter form, so a fresh install has something to embed. */
export const DEMO_FORM_PUBLIC_ID = 'frm_demo_newsletter';

async function seedDemoForm(db: Db, workspaceId: string): Promise<void> {
  if (await db.form.findUnique({ where: { publicId: DEMO_FORM_PUBLIC_ID } })) return;
  await db.form.create({
    data: {
      workspaceId,
      publicId: DEMO_FORM_PUBLIC_ID,
      name: 'Newsletter signup',
      submitLabel: 'Get the newsletter',
      successMessage: 'Thanks! Check your inbox for a welcome email.',
      fields: {
        create: [
          {
            key: 'email',
            type: 'email',
            label: 'Work email',
            placeholder: 'you@company.com',
            required: true,
            position: 0,
          },
          {
            key: 'first_name',
            type: 'text',
            label: 'First name',
            placeholder: 'Ada',
            required: true,
            position: 1,
            maxLength: 80,
          },
          {
            key: 'company',
            type: 'text',
            label: 'Company',
            placeholder: 'Acme Inc.',
            position: 2,
            maxLength: 120,
          },
          {
            key: 'role',
            type: 'select',
            label: 'Your role',
            position: 3,
            options: [
              { value: 'marketing', label: 'Marketing' },
              { value: 'sales', label: 'Sales' },
              { value: 'founder', label: 'Founder' },
              { value: 'other', label: 'Something else' },
            ],
          },
          {
            key: 'consent',
            type: 'consent',
            label: 'Email consent',
            required: true,
            position: 4,
            consentText: 'I agree to receive the newsletter and can unsubscribe at any time.',
            consentVersion: 1,
          },
          {
            key: 'source',
            type: 'hidden',
            label: 'Source',
            position: 5,
            queryParam: 'ref',
            defaultValue: 'website',
          },
        ],
      },
    },
  });
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
