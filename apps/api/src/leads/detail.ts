// One lead's page: its fields, consent, attribution (first touch and every submission), and one
// timeline merged from submissions, enrollments, messages, tracking events and suppressions.
import type { Db, Lead } from '@kindling/db';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const TIMELINE_LIMIT = 500;

/** The lead detail answer. */
export async function leadDetail(db: Db, lead: Lead) {
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
      ? { reason: suppression.reason, detail: suppression.detail, at: iso(suppression.createdAt) }
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
      at: iso(s.createdAt),
      utmSource: s.utmSource,
      utmMedium: s.utmMedium,
      utmCampaign: s.utmCampaign,
      referrer: s.referrer,
      pageUrl: s.pageUrl,
      consentText: s.consentText,
      isSpam: s.isSpam,
    })),
    createdAt: iso(lead.createdAt),
    updatedAt: iso(lead.updatedAt),
  };
}

export interface TimelineItem {
  at: string;
  kind:
    | 'submission'
    | 'enrollment'
    | 'message'
    | 'open'
    | 'click'
    | 'unsubscribe'
    | 'bounce'
    | 'complaint'
    | 'suppression'
    | 'created';
  title: string;
  detail: string | null;
  /** Opens and clicks from privacy proxies, scanners and bots are kept but marked. */
  machine?: boolean;
  machineReason?: string | null;
}

const EVENT_TITLE: Record<string, string> = {
  open: 'Opened',
  click: 'Clicked',
  unsubscribe: 'Unsubscribed',
  bounce: 'Bounced',
  complaint: 'Marked as spam',
};

/** Everything that happened to one lead, newest first. */
export async function leadTimeline(db: Db, lead: Lead): Promise<TimelineItem[]> {
  const scope = { leadId: lead.id, workspaceId: lead.workspaceId };
  const [submissions, enrollments, messages, events, suppression] = await Promise.all([
    db.formSubmission.findMany({
      where: scope,
      orderBy: { createdAt: 'desc' },
      take: TIMELINE_LIMIT,
      include: { form: { select: { name: true } } },
    }),
    db.enrollment.findMany({
      where: scope,
      orderBy: { enrolledAt: 'desc' },
      take: TIMELINE_LIMIT,
      include: { campaign: { select: { name: true } } },
    }),
    db.message.findMany({
      where: scope,
      orderBy: { createdAt: 'desc' },
      take: TIMELINE_LIMIT,
      select: {
        id: true,
        subject: true,
        status: true,
        sentAt: true,
        createdAt: true,
        smtpResponse: true,
        kind: true,
      },
    }),
    db.trackingEvent.findMany({
      where: scope,
      orderBy: { occurredAt: 'desc' },
      take: TIMELINE_LIMIT,
      include: { message: { select: { subject: true } } },
    }),
    db.suppression.findUnique({
      where: { workspaceId_email: { workspaceId: lead.workspaceId, email: lead.email } },
    }),
  ]);
  const items: TimelineItem[] = [
    {
      at: lead.createdAt.toISOString(),
      kind: 'created',
      title: 'Lead created',
      detail: lead.firstUtmSource ? `via ${lead.firstUtmSource}` : null,
    },
  ];
  for (const s of submissions) {
    const utm = [s.utmSource, s.utmMedium, s.utmCampaign].filter(Boolean).join(' / ');
    items.push({
      at: s.createdAt.toISOString(),
      kind: 'submission',
      title: `Submitted ${s.form.name}`,
      detail: [utm, s.pageUrl].filter(Boolean).join(' · ') || null,
    });
  }
  for (const e of enrollments) {
    items.push({
      at: e.enrolledAt.toISOString(),
      kind: 'enrollment',
      title: `Enrolled in ${e.campaign.name}`,
      detail: `source: ${e.source.replace('_', ' ')}; ${e.status}${e.exitReason ? ` (${e.exitReason})` : ''}`,
    });
  }
  for (const m of messages) {
    const sent = m.status === 'sent';
    items.push({
      at: (m.sentAt ?? m.createdAt).toISOString(),
      kind: 'message',
      title: sent ? `Email sent: ${m.subject}` : `Email ${m.status}: ${m.subject}`,
      detail: m.kind === 'campaign' ? null : `${m.kind} email`,
    });
  }
  for (const ev of events) {
    const subject = ev.message?.subject ? `“${ev.message.subject}”` : null;
    items.push({
      at: ev.occurredAt.toISOString(),
      kind: ev.type,
      title: EVENT_TITLE[ev.type] ?? ev.type,
      detail: [subject, ev.type === 'click' ? ev.url : null].filter(Boolean).join(' · ') || null,
      ...(ev.type === 'open' || ev.type === 'click'
        ? { machine: ev.machine, machineReason: ev.machineReason }
        : {}),
    });
  }
  if (suppression) {
    items.push({
      at: suppression.createdAt.toISOString(),
      kind: 'suppression',
      title: `Suppressed (${suppression.reason.replace('_', ' ')})`,
      detail: suppression.detail,
    });
  }
  // Newest first; on a tie "Lead created" goes last (it happened first in every real sequence).
  return items.sort((a, b) =>
    a.at < b.at
      ? 1
      : a.at > b.at
        ? -1
        : (a.kind === 'created' ? 1 : 0) - (b.kind === 'created' ? 1 : 0),
  );
}

/** One lead's personal data as a JSON document (right of access / portability). */
export async function leadDataExport(db: Db, lead: Lead) {
  const scope = { leadId: lead.id, workspaceId: lead.workspaceId };
  const [submissions, enrollments, messages, events, suppression] = await Promise.all([
    db.formSubmission.findMany({
      where: scope,
      orderBy: { createdAt: 'asc' },
      include: { form: { select: { name: true } } },
    }),
    db.enrollment.findMany({
      where: scope,
      orderBy: { enrolledAt: 'asc' },
      include: { campaign: { select: { name: true } } },
    }),
    db.message.findMany({
      where: scope,
      orderBy: { createdAt: 'asc' },
      select: {
        id: true,
        subject: true,
        toEmail: true,
        status: true,
        sentAt: true,
        createdAt: true,
      },
    }),
    db.trackingEvent.findMany({ where: scope, orderBy: { occurredAt: 'asc' } }),
    db.suppression.findUnique({
      where: { workspaceId_email: { workspaceId: lead.workspaceId, email: lead.email } },
    }),
  ]);
  const { workspaceId: _ws, ...leadFields } = lead;
  return {
    exportedAt: new Date().toISOString(),
    lead: leadFields,
    submissions: submissions.map(({ workspaceId: _w, form, ...s }) => ({
      ...s,
      formName: form.name,
    })),
    enrollments: enrollments.map((e) => ({
      id: e.id,
      campaign: e.campaign.name,
      status: e.status,
      source: e.source,
      enrolledAt: e.enrolledAt,
      completedAt: e.completedAt,
      exitReason: e.exitReason,
    })),
    messages,
    events: events.map((e) => ({
      type: e.type,
      url: e.url,
      machine: e.machine,
      machineReason: e.machineReason,
      ip: e.ip,
      userAgent: e.userAgent,
      occurredAt: e.occurredAt,
    })),
    suppression: suppression
      ? { reason: suppression.reason, detail: suppression.detail, createdAt: suppression.createdAt }
      : null,
  };
}
