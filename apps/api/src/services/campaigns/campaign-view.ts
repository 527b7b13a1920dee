// How a stored campaign is shown: its builder document (live steps only, in order) and the
// view every campaign route answers with (packages/shared api/campaigns.ts).
import type { CampaignStepView, CampaignView, CampaignViewDocument } from '@kindling/shared';
import type { Campaign, CampaignStep, CampaignTrigger } from '@kindling/db';

/** A campaign row with its steps (removed ones included) and triggers. */
export type FullCampaign = Campaign & { steps: CampaignStep[]; triggers: CampaignTrigger[] };

/** The builder document of a stored campaign (live steps only, in order). */
export function toDocument(c: FullCampaign): CampaignViewDocument {
  return {
    name: c.name,
    identityId: c.identityId,
    sendWindow: (c.sendWindow as CampaignViewDocument['sendWindow']) ?? null,
    exitRules: { unsubscribed: true, bounced: true, complained: true, ...(c.exitRules as object) },
    allowReenroll: c.allowReenroll,
    trackOpens: c.trackOpens,
    trackClicks: c.trackClicks,
    triggers: c.triggers.map((t) => ({
      type: t.type,
      ...(t.formId ? { formId: t.formId } : {}),
      ...(t.tag ? { tag: t.tag } : {}),
    })),
    steps: c.steps
      .filter((s) => !s.deletedAt)
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ id: s.id, type: s.type, config: s.config }) as CampaignStepView),
  };
}

/** The answer of the campaign routes: lifecycle fields and the builder document. */
export function toView(c: FullCampaign): CampaignView {
  return {
    id: c.id,
    status: c.status,
    activatedAt: c.activatedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    ...toDocument(c),
  };
}
