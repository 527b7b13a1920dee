// What the demo workspace holds besides its history: the identity on the dev mail catcher and
// the three-email drip its form triggers. Both go through the product's own services.
import type { Db } from '@kindling/db';
import type { CampaignDocument } from '@kindling/shared';
import { activateCampaign } from '../campaigns/activate-campaign.js';
import { createCampaign } from '../campaigns/create-campaign.js';
import { dkimData, ensurePlans } from '../sending/identity-data.js';

export const DEMO_FROM = 'hello@demo.kindling.test';
const DAY_MINUTES = 24 * 60;

const email = (subject: string, preheader: string, body: string, link: [string, string]) => ({
  type: 'email' as const,
  config: {
    subject,
    preheader,
    html: `<p>Hi {{first_name | default: "there"}},</p>\n<p>${body}</p>\n<p><a href="${link[0]}">${link[1]}</a></p>\n<p>— The Kindling demo team</p>`,
    text: `Hi {{first_name | default: "there"}},\n\n${body}\n\n${link[1]}: ${link[0]}\n\n— The Kindling demo team`,
  },
});

/** The drip's three emails, two and three days apart. */
export function demoCampaignDocument(formId: string, identityId: string): CampaignDocument {
  return {
    name: 'Welcome drip (demo)',
    identityId,
    sendWindow: null,
    exitRules: { unsubscribed: true, bounced: true, complained: true },
    allowReenroll: false,
    trackOpens: true,
    trackClicks: true,
    triggers: [{ type: 'form_submission', formId }],
    steps: [
      email(
        'Welcome to the newsletter, {{first_name | default: "friend"}}',
        'Your first tip is inside.',
        'Thanks for signing up. Every week we send one practical idea for turning visitors into customers.',
        ['https://kindling.example/guide', 'Read the getting-started guide'],
      ),
      { type: 'wait', config: { minutes: 2 * DAY_MINUTES } },
      email(
        'Three landing pages that convert',
        'What they have in common.',
        'We looked at a hundred landing pages; the three best all asked for one thing only.',
        ['https://kindling.example/landing-pages', 'See the three pages'],
      ),
      { type: 'wait', config: { minutes: 3 * DAY_MINUTES } },
      email(
        'Ready to try it on your own list?',
        'A checklist for your first campaign.',
        'Here is the checklist we use before every campaign goes live.',
        ['https://kindling.example/checklist', 'Get the checklist'],
      ),
    ],
  };
}

/**
 * The demo identity (the built-in dev mail catcher, with a DKIM key, as "generate DKIM" makes
 * it) and its warm-up plans, started `warmupDays` ago and sending around the clock so the demo
 * shows mail at any hour; then the drip, created and activated like the builder does.
 */
export async function createDemoSetup(
  db: Db,
  appSecret: string,
  workspaceId: string,
  formId: string,
  now: Date,
  warmupDays: number,
): Promise<{ identityId: string; campaignId: string }> {
  const identity = await db.sendingIdentity.create({
    data: {
      workspaceId,
      name: 'Demo (dev mail catcher)',
      fromName: 'Kindling Demo',
      fromEmail: DEMO_FROM,
      ...dkimData(appSecret, DEMO_FROM, 'kindling-demo'),
    },
  });
  await ensurePlans(db, workspaceId, identity.ipPool, identity.fromEmail);
  await db.warmupPlan.updateMany({
    where: { workspaceId },
    data: {
      startedAt: new Date(now.getTime() - warmupDays * DAY_MINUTES * 60_000),
      sendStartHour: 0,
      sendEndHour: 24,
    },
  });
  const campaign = await createCampaign(db, workspaceId, demoCampaignDocument(formId, identity.id));
  await activateCampaign(db, workspaceId, campaign.id);
  return { identityId: identity.id, campaignId: campaign.id };
}
