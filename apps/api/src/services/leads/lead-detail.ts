// One lead's page: its fields, consent, suppression and attribution (first touch and its latest
// submissions).
import type { LeadDetail } from '@kindling/shared';
import type { Db, Lead } from '@kindling/db';
import { normalizeEmail } from '@kindling/leads';
import { notFound } from '../../http/errors.js';
import { findLead } from './find-lead.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The lead detail answer for a lead already loaded (and so already scoped). */
export async function leadDetail(db: Db, lead: Lead): Promise<LeadDetail> {
  const [submissions, firstForm, suppression] = await Promise.all([
    db.formSubmission.findMany({
      where: { leadId: lead.id, workspaceId: lead.workspaceId },
      orderBy: { createdAt: 'desc' },
      take: 100,
      include: { form: { select: { id: true, name: true } } },
    }),
    lead.firstFormId
      ? db.form.findFirst({
          where: { id: lead.firstFormId, workspaceId: lead.workspaceId },
          select: { id: true, name: true },
        })
      : null,
    db.suppression.findUnique({
      where: { workspaceId_email: { workspaceId: lead.workspaceId, email: lead.email } },
    }),
  ]);
  return {
    id: lead.id,
    email: lead.email,
    firstName: lead.firstName,
    lastName: lead.lastName,
    phone: lead.phone,
    timeZone: lead.timeZone,
    status: lead.status,
    tags: lead.tags,
    customFields: lead.customFields as Record<string, unknown>,
    consent: {
      at: iso(lead.consentAt),
      text: lead.consentText,
      confirmedAt: iso(lead.confirmedAt),
      confirmationSentAt: iso(lead.confirmationSentAt),
    },
    unsubscribedAt: iso(lead.unsubscribedAt),
    softBounceCount: lead.softBounceCount,
    suppression: suppression
      ? {
          reason: suppression.reason,
          detail: suppression.detail,
          at: suppression.createdAt.toISOString(),
        }
      : null,
    firstTouch: {
      form: firstForm,
      utmSource: lead.firstUtmSource,
      utmMedium: lead.firstUtmMedium,
      utmCampaign: lead.firstUtmCampaign,
      utmTerm: lead.firstUtmTerm,
      utmContent: lead.firstUtmContent,
      referrer: lead.firstReferrer,
      pageUrl: lead.firstPageUrl,
    },
    submissions: submissions.map((s) => ({
      id: s.id,
      form: s.form,
      at: s.createdAt.toISOString(),
      utmSource: s.utmSource,
      utmMedium: s.utmMedium,
      utmCampaign: s.utmCampaign,
      referrer: s.referrer,
      pageUrl: s.pageUrl,
      consentText: s.consentText,
      isSpam: s.isSpam,
    })),
    createdAt: lead.createdAt.toISOString(),
    updatedAt: lead.updatedAt.toISOString(),
  };
}

/** One lead of the workspace, as its page shows it. */
export async function getLeadDetail(db: Db, workspaceId: string, id: string): Promise<LeadDetail> {
  return leadDetail(db, await findLead(db, workspaceId, id));
}

/** The workspace's lead with this address (matched as leads are keyed: lower-cased), or a 404. */
export async function getLeadByEmail(
  db: Db,
  workspaceId: string,
  email: string,
): Promise<LeadDetail> {
  const lead = await db.lead.findFirst({ where: { workspaceId, email: normalizeEmail(email) } });
  if (!lead) throw notFound('Lead');
  return leadDetail(db, lead);
}
