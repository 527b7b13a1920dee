import { randomUUID } from 'node:crypto';
import type { CampaignDocument } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { AppError } from '../../http/errors.js';

/** A builder document whose every step has its id. */
export type DocumentWithIds = Omit<CampaignDocument, 'steps'> & {
  steps: (CampaignDocument['steps'][number] & { id: string })[];
};

/** Assigns ids to new steps and rejects ids that belong to another campaign. */
export async function withStepIds(
  db: Db,
  campaignId: string | null,
  doc: CampaignDocument,
): Promise<DocumentWithIds> {
  const ids = doc.steps.map((s) => s.id).filter((x): x is string => !!x);
  if (new Set(ids).size !== ids.length)
    throw new AppError('validation_failed', 'Two steps share an id', [
      { field: 'steps', issue: 'Duplicate step id' },
    ]);
  if (ids.length) {
    const foreign = await db.campaignStep.count({
      where: { id: { in: ids }, ...(campaignId ? { campaignId: { not: campaignId } } : {}) },
    });
    if (foreign > 0)
      throw new AppError('validation_failed', 'A step belongs to another campaign', [
        { field: 'steps', issue: 'Unknown step id' },
      ]);
  }
  return { ...doc, steps: doc.steps.map((s) => ({ ...s, id: s.id ?? randomUUID() })) };
}
