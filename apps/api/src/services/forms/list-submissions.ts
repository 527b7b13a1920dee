import type { Db } from '@kindling/db';
import type { Submission } from '@kindling/shared';
import { loadForm } from './form-view.js';

/** The latest submissions of a form, spam included (flagged). */
export async function listSubmissions(
  db: Db,
  workspaceId: string,
  formId: string,
  limit: number,
): Promise<Submission[]> {
  await loadForm(db, workspaceId, formId);
  const rows = await db.formSubmission.findMany({
    where: { workspaceId, formId },
    include: { lead: { select: { email: true } } },
    orderBy: { createdAt: 'desc' },
    take: limit,
  });
  return rows.map((s) => ({
    id: s.id,
    leadId: s.leadId,
    email: s.lead?.email ?? null,
    data: s.data as Record<string, unknown>,
    isSpam: s.isSpam,
    spamReason: s.spamReason,
    utm: {
      utm_source: s.utmSource,
      utm_medium: s.utmMedium,
      utm_campaign: s.utmCampaign,
      utm_term: s.utmTerm,
      utm_content: s.utmContent,
    },
    referrer: s.referrer,
    pageUrl: s.pageUrl,
    createdAt: s.createdAt.toISOString(),
  }));
}
