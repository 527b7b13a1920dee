import type { CampaignPreview, StepPreviewRequest } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { renderStepFor } from './render-step.js';

/** An email step rendered with a real lead's data (the latest lead by default). */
export async function previewStep(
  db: Db,
  workspaceId: string,
  campaignId: string,
  input: StepPreviewRequest,
): Promise<CampaignPreview> {
  const { lead, rendered } = await renderStepFor(db, workspaceId, campaignId, input);
  return { lead: { id: lead.id, email: lead.email }, ...rendered };
}
