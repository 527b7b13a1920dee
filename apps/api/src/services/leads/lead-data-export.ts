// One lead's personal data as a JSON document (right of access / portability).
import type { LeadDataExport } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { findLead } from './find-lead.js';

/** A row's columns with its dates as the ISO strings JSON carries (what res.json would write). */
function withIsoDates<T extends object>(row: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Every stored field of one lead of the workspace and of its submissions, enrollments,
 * messages, events and suppression, with the file name to download it as.
 */
export async function leadDataExport(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<{ fileName: string; document: LeadDataExport }> {
  const lead = await findLead(db, workspaceId, id);
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
  const document: LeadDataExport = {
    exportedAt: new Date().toISOString(),
    lead: withIsoDates(leadFields),
    submissions: submissions.map(({ workspaceId: _w, form, ...s }) =>
      withIsoDates({ ...s, formName: form.name }),
    ),
    enrollments: enrollments.map((e) => ({
      id: e.id,
      campaign: e.campaign.name,
      status: e.status,
      source: e.source,
      enrolledAt: e.enrolledAt.toISOString(),
      completedAt: iso(e.completedAt),
      exitReason: e.exitReason,
    })),
    messages: messages.map((m) => ({
      ...m,
      sentAt: iso(m.sentAt),
      createdAt: m.createdAt.toISOString(),
    })),
    events: events.map((e) => ({
      type: e.type,
      url: e.url,
      machine: e.machine,
      machineReason: e.machineReason,
      ip: e.ip,
      userAgent: e.userAgent,
      occurredAt: e.occurredAt.toISOString(),
    })),
    suppression: suppression
      ? {
          reason: suppression.reason,
          detail: suppression.detail,
          createdAt: suppression.createdAt.toISOString(),
        }
      : null,
  };
  return { fileName: `lead-${lead.id}.json`, document };
}
