// A campaign may only point at its own workspace's sending identity and forms, drafts included:
// activation would refuse a foreign id, but a draft must not even store one (it would show up
// in the builder, and a later save could carry it into a live campaign).
import type { CampaignDocument } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { AppError } from '../../http/errors.js';

/** Throws 422 when the document names an identity or form that is not the workspace's. */
export async function assertOwnReferences(
  db: Db,
  workspaceId: string,
  doc: CampaignDocument,
): Promise<void> {
  const formIds = [...new Set(doc.triggers.map((t) => t.formId).filter((x): x is string => !!x))];
  const [identity, forms] = await Promise.all([
    doc.identityId
      ? db.sendingIdentity.count({ where: { id: doc.identityId, workspaceId } })
      : Promise.resolve(1),
    formIds.length
      ? db.form.findMany({ where: { id: { in: formIds }, workspaceId }, select: { id: true } })
      : Promise.resolve([]),
  ]);
  const own = new Set(forms.map((f) => f.id));
  // Another workspace's id and an id that does not exist look the same (no existence oracle).
  const details = [
    ...(identity === 0 ? [{ field: 'identityId', issue: 'No such sending identity' }] : []),
    ...doc.triggers.flatMap((t, i) =>
      t.formId && !own.has(t.formId)
        ? [{ field: `triggers.${i}.formId`, issue: 'No such form' }]
        : [],
    ),
  ];
  if (details.length)
    throw new AppError(
      'validation_failed',
      'The campaign refers to a sending identity or form that is not in this workspace; nothing was saved',
      details,
    );
}
