// Seeds the demo login and workspace and, unless KINDLING_DEMO=0, the demo in it. Idempotent:
// running it again changes nothing.
import { createDb, assertDbReachable, type Db } from '@kindling/db';
import { hashPassword, verifyPassword } from './auth/password.js';
import { createDemoSetup } from './services/demo/demo-content.js';
import { generateHistory, type HistorySummary } from './services/demo/generate-history.js';
import { removeDemoData } from './services/workspace/remove-demo-data.js';

export const DEMO = {
  email: 'demo@kindling.local',
  password: 'kindling-demo',
  name: 'Demo User',
  workspace: 'Demo Workspace',
} as const;

export interface SeedOptions {
  /** Fill the demo workspace with the demo (KINDLING_DEMO, on unless "0"). */
  demo: boolean;
  /** Encrypts the demo identity's DKIM key, as the api does. */
  appSecret?: string;
  /** The hosted demo landing page (npm start serves it), the submissions' page URL. */
  landingUrl?: string;
  now?: Date;
}

/**
 * Ensures the demo user exists and owns a workspace named DEMO.workspace; with `demo`, fills it
 * once with the demo: the form, the identity on the dev mail catcher, the live drip and 30 days
 * of history. Marked on the workspace (`demoData`): written once, re-written only when a run
 * stopped half-way, never again once a person removed it.
 */
export async function seedDemo(
  db: Db,
  options: SeedOptions = { demo: false },
): Promise<{ userId: string; workspaceId: string; demo: HistorySummary | null }> {
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
  const workspaceId =
    membership?.workspaceId ??
    (
      await db.workspace.create({
        data: {
          name: DEMO.workspace,
          timeZone: 'Europe/Berlin',
          postalAddress: 'Kindling Demo GmbH, Feuerweg 1, 10115 Berlin, Germany',
          memberships: { create: { userId: user.id, role: 'owner' } },
        },
      })
    ).id;
  const demo = options.demo ? await seedDemoData(db, workspaceId, options) : null;
  return { userId: user.id, workspaceId, demo };
}

/** The demo in one workspace (see seedDemo); `formPublicId` lets a test use a form id of its own. */
export async function seedDemoData(
  db: Db,
  workspaceId: string,
  options: SeedOptions & { formPublicId?: string },
): Promise<HistorySummary | null> {
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  if (ws.demoData === 'ready' || ws.demoData === 'removed') return null;
  if (!options.appSecret)
    throw new Error('APP_SECRET is needed to seed the demo (KINDLING_DEMO=0 skips it)');
  // A run that stopped half-way left part of the demo: remove it and write it whole.
  if (ws.demoData === 'seeding') await removeDemoData(db, workspaceId);
  await db.workspace.update({ where: { id: workspaceId }, data: { demoData: 'seeding' } });
  const now = options.now ?? new Date();
  const form = await seedDemoForm(db, workspaceId, options.formPublicId ?? DEMO_FORM_PUBLIC_ID);
  const { campaignId } = await createDemoSetup(
    db,
    options.appSecret,
    workspaceId,
    form.id,
    now,
    HISTORY_DAYS - 18,
  );
  // The drip has been live since before the first demo visitor.
  await db.campaign.update({
    where: { id: campaignId },
    data: { activatedAt: new Date(now.getTime() - (HISTORY_DAYS + 1) * 86_400_000) },
  });
  const consent = await db.formField.findFirstOrThrow({
    where: { formId: form.id, type: 'consent' },
  });
  const summary = await generateHistory(db, {
    workspaceId,
    formId: form.id,
    campaignId,
    consentText: consent.consentText ?? '',
    landingUrl: options.landingUrl ?? 'http://localhost:3003',
    now,
    days: HISTORY_DAYS,
  });
  await db.workspace.update({ where: { id: workspaceId }, data: { demoData: 'ready' } });
  return summary;
}

const HISTORY_DAYS = 30;

/** The demo workspace's newsletter form, so a fresh install has something to embed. */
export const DEMO_FORM_PUBLIC_ID = 'frm_demo_newsletter';

async function seedDemoForm(
  db: Db,
  workspaceId: string,
  publicId: string,
): Promise<{ id: string }> {
  const existing = await db.form.findUnique({ where: { publicId } });
  if (existing?.workspaceId === workspaceId) return existing;
  if (existing) throw new Error(`form ${publicId} belongs to another workspace`);
  return db.form.create({
    data: {
      workspaceId,
      publicId,
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
  const demo = process.env.KINDLING_DEMO !== '0';
  assertDbReachable(db, url)
    .then(() =>
      seedDemo(db, {
        demo,
        appSecret: process.env.APP_SECRET,
        landingUrl: process.env.DEMO_LANDING_URL,
      }),
    )
    .then(async ({ demo: written }) => {
      if (written)
        console.log(
          `demo data written: ${written.leads} leads, ${written.messages} emails, ${written.events} opens and clicks, ${written.bounces} bounces, ${written.complaints} complaint(s), ${written.unsubscribes} unsubscribes`,
        );
      console.log(`demo login: ${DEMO.email} / ${DEMO.password}`);
      await db.$disconnect();
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
