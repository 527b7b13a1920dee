import type { CampaignDocument, CampaignWithProblems } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { validateCampaign } from '@kindling/campaigns';
import { AppError } from '../../http/errors.js';
import { toDocument, toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';
import { assertOwnReferences } from './own-references.js';
import { withStepIds } from './step-ids.js';
import { problemsError, validationContext } from './validation-context.js';
import { writeCampaignDocument } from './write-campaign-document.js';

/**
 * Saves the whole builder document of a campaign (steps keep their ids). An archived campaign
 * cannot be edited; a live one must stay valid, or nothing is saved.
 */
export async function saveCampaign(
  db: Db,
  workspaceId: string,
  id: string,
  input: CampaignDocument,
): Promise<CampaignWithProblems> {
  const c = await loadCampaign(db, workspaceId, id);
  if (c.status === 'archived')
    throw new AppError('conflict', 'An archived campaign cannot be edited');
  const doc = await withStepIds(db, c.id, input);
  await assertOwnReferences(db, workspaceId, doc);
  if (c.status !== 'draft') {
    // A live campaign must stay valid: nobody should find a blank merge tag in their inbox.
    const problems = validateCampaign(doc, await validationContext(db, workspaceId));
    if (problems.length)
      throw problemsError(
        problems,
        `This ${c.status} campaign would not be valid; nothing was saved`,
      );
  }
  await writeCampaignDocument(db, c.id, doc, new Date());
  const saved = await loadCampaign(db, workspaceId, c.id);
  return {
    ...toView(saved),
    problems: validateCampaign(toDocument(saved), await validationContext(db, workspaceId)),
  };
}
