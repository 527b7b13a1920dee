// An email step rendered with one lead's data, for the preview and the test send.
import { emailStepConfigSchema, type StepPreviewRequest } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { renderStepEmail } from '@kindling/campaigns';
import { AppError, notFound } from '../../http/errors.js';
import { loadCampaign } from './load-campaign.js';

/**
 * Renders unsaved builder content or a saved email step of the campaign for the named lead, the
 * workspace's latest lead, or a sample lead when there is none.
 */
export async function renderStepFor(
  db: Db,
  workspaceId: string,
  campaignId: string,
  input: StepPreviewRequest,
) {
  const c = await loadCampaign(db, workspaceId, campaignId);
  let config = input.config;
  if (!config) {
    const step = c.steps.find((s) => s.id === input.stepId && s.type === 'email');
    if (!step)
      throw new AppError('validation_failed', 'Pick an email step', [
        { field: 'stepId', issue: 'Not an email step of this campaign' },
      ]);
    config = emailStepConfigSchema.parse(step.config);
  }
  const lead = input.leadId
    ? await db.lead.findFirst({ where: { id: input.leadId, workspaceId } })
    : await db.lead.findFirst({ where: { workspaceId }, orderBy: { createdAt: 'desc' } });
  if (input.leadId && !lead) throw notFound('Lead');
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  const sample = lead ?? {
    id: null,
    email: 'jane@example.com',
    firstName: 'Jane',
    lastName: 'Doe',
    phone: null,
    customFields: {},
  };
  return { campaign: c, config, lead: sample, rendered: renderStepEmail(config, sample, ws) };
}
