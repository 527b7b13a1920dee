import type { CampaignView } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { validateCampaign } from '@kindling/campaigns';
import { AppError } from '../../http/errors.js';
import { toDocument, toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';
import { problemsError, validationContext } from './validation-context.js';

/** Validates the whole campaign and makes it active; every problem is listed in the 422. */
export async function activateCampaign(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CampaignView> {
  const c = await loadCampaign(db, workspaceId, id);
  if (c.status === 'active') return toView(c);
  if (c.status === 'archived')
    throw new AppError('conflict', 'An archived campaign cannot be activated');
  const problems = validateCampaign(toDocument(c), await validationContext(db, workspaceId));
  if (problems.length)
    throw problemsError(
      problems,
      `Fix ${problems.length} problem${problems.length === 1 ? '' : 's'} before activating`,
    );
  await db.campaign.update({
    where: { id: c.id },
    data: { status: 'active', activatedAt: c.activatedAt ?? new Date() },
  });
  return toView(await loadCampaign(db, workspaceId, c.id));
}
