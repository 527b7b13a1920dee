import type { CampaignDocument, CampaignView } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';
import { assertOwnReferences } from './own-references.js';
import { withStepIds } from './step-ids.js';
import { writeCampaignDocument } from './write-campaign-document.js';

/** Creates a draft campaign from a builder document (a draft may have problems). */
export async function createCampaign(
  db: Db,
  workspaceId: string,
  input: CampaignDocument,
): Promise<CampaignView> {
  const doc = await withStepIds(db, null, input);
  await assertOwnReferences(db, workspaceId, doc);
  const c = await db.campaign.create({ data: { workspaceId, name: doc.name, status: 'draft' } });
  await writeCampaignDocument(db, c.id, doc, new Date());
  return toView(await loadCampaign(db, workspaceId, c.id));
}
