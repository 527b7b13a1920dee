import type { Db } from '@kindling/db';
import type { FormSummary } from '@kindling/shared';
import { formView, submissionCounts } from './form-view.js';

/** Forms of the workspace, newest first, with field and submission counts. */
export async function listForms(db: Db, workspaceId: string): Promise<FormSummary[]> {
  const forms = await db.form.findMany({
    where: { workspaceId },
    include: { _count: { select: { fields: true } } },
    orderBy: { createdAt: 'desc' },
  });
  const counts = await submissionCounts(
    db,
    workspaceId,
    forms.map((f) => f.id),
  );
  return forms.map(({ _count, ...f }) => {
    const { fields: _f, ...rest } = formView({ ...f, fields: [] }, counts.get(f.id)?.count ?? 0);
    const last = counts.get(f.id)?.last;
    return {
      ...rest,
      fieldCount: _count.fields,
      lastSubmissionAt: last ? last.toISOString() : null,
    };
  });
}
