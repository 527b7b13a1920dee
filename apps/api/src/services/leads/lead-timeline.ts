// One timeline of a lead merged from submissions, enrollments, messages, tracking events and
// suppressions, newest first.
import type { LeadTimeline, TimelineItem } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { SMTP_CLASS_LABEL, type SmtpClass } from '@kindling/sending';
import { findLead } from './find-lead.js';

const TIMELINE_LIMIT = 500;

const EVENT_TITLE: Record<string, string> = {
  open: 'Opened',
  click: 'Clicked',
  unsubscribe: 'Unsubscribed',
  bounce: 'Bounced',
  complaint: 'Marked as spam',
};

/** Everything that happened to one lead of the workspace, newest first. */
export async function leadTimeline(db: Db, workspaceId: string, id: string): Promise<LeadTimeline> {
  const lead = await findLead(db, workspaceId, id);
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
        smtpClass: true,
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
      detail:
        [m.kind === 'campaign' ? null : `${m.kind} email`, sent ? null : smtpAnswer(m)]
          .filter(Boolean)
          .join(' · ') || null,
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
  items.sort((a, b) =>
    a.at < b.at
      ? 1
      : a.at > b.at
        ? -1
        : (a.kind === 'created' ? 1 : 0) - (b.kind === 'created' ? 1 : 0),
  );
  return { items };
}

/** The receiving server's last answer of an unsent message, with what it meant. */
function smtpAnswer(m: { smtpResponse: string | null; smtpClass: string | null }): string | null {
  if (!m.smtpResponse) return null;
  const label = SMTP_CLASS_LABEL[m.smtpClass as SmtpClass] as string | undefined;
  return label ? `${label}: ${m.smtpResponse}` : m.smtpResponse;
}
