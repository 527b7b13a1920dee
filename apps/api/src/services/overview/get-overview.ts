// The overview of a workspace (its home page): new leads by window and source, the emails of the
// last 30 days with human open/click rates (machine events apart), active campaigns, the
// reputation guard's view and the getting-started checklist, each read from the rows the
// product writes. `now` is injectable so the windows can be tested against fixed fixtures.
import type { Overview } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { listWarmupPlans } from '../sending/list-warmup-plans.js';

const DAY_MS = 86_400_000;

interface LeadCounts {
  today: number;
  last7Days: number;
  last30Days: number;
  total: number;
  todayStartsAt: Date;
}

interface EmailCounts {
  sent: number;
  bounced: number;
  humanOpened: number;
  humanClicked: number;
  machineOnlyOpened: number;
  machineOnlyClicked: number;
  complaints: number;
  unsubscribes: number;
}

// A lead's source: its first UTM source, else how it arrived (form without UTM, CSV import, API).
const SOURCE = `coalesce(nullif(l."firstUtmSource", ''),
  CASE WHEN l."firstFormId" IS NOT NULL THEN '(direct)'
       WHEN l."lastImportId" IS NOT NULL THEN '(import)'
       ELSE '(api)' END)`;

export async function getOverview(
  deps: AppDeps,
  workspaceId: string,
  now: Date = new Date(),
): Promise<Overview> {
  const { db } = deps;
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  const since7 = new Date(now.getTime() - 7 * DAY_MS);
  const since30 = new Date(now.getTime() - 30 * DAY_MS);

  const [leadRows, sources, recent, emailRows, activeCount, active, identities, submission, plans] =
    await Promise.all([
      db.$queryRawUnsafe<LeadCounts[]>(
        `WITH t AS (SELECT (date_trunc('day', $2::timestamptz AT TIME ZONE $5) AT TIME ZONE $5) AS start)
         SELECT count(*) FILTER (WHERE l."createdAt" >= t.start AND l."createdAt" <= $2)::int AS today,
                count(*) FILTER (WHERE l."createdAt" >= $3 AND l."createdAt" <= $2)::int AS "last7Days",
                count(*) FILTER (WHERE l."createdAt" >= $4 AND l."createdAt" <= $2)::int AS "last30Days",
                count(l.id)::int AS total, t.start AS "todayStartsAt"
         FROM t LEFT JOIN "Lead" l ON l."workspaceId" = $1::uuid
         GROUP BY t.start`,
        workspaceId,
        now,
        since7,
        since30,
        ws.timeZone,
      ),
      db.$queryRawUnsafe<{ source: string; count: number }[]>(
        `SELECT ${SOURCE} AS source, count(*)::int AS count
         FROM "Lead" l
         WHERE l."workspaceId" = $1::uuid AND l."createdAt" >= $2 AND l."createdAt" <= $3
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8`,
        workspaceId,
        since30,
        now,
      ),
      db.$queryRawUnsafe<
        { id: string; email: string; name: string | null; source: string; createdAt: Date }[]
      >(
        `SELECT l.id::text AS id, l.email,
                nullif(trim(concat_ws(' ', l."firstName", l."lastName")), '') AS name,
                ${SOURCE} AS source, l."createdAt"
         FROM "Lead" l WHERE l."workspaceId" = $1::uuid
         ORDER BY l."createdAt" DESC, l.id DESC LIMIT 5`,
        workspaceId,
      ),
      // Emails handed to SMTP in the window (the reputation guard's "sent": sent or bounced),
      // each counted once per kind of event; "machine only" = machines opened it, no person did.
      db.$queryRawUnsafe<EmailCounts[]>(
        `WITH m AS (
           SELECT id, status FROM "Message"
           WHERE "workspaceId" = $1::uuid AND kind IN ('campaign', 'confirmation')
             AND status IN ('sent', 'bounced')
             AND coalesce("sentAt", "claimedAt") >= $2 AND coalesce("sentAt", "claimedAt") <= $3
         ), e AS (
           SELECT t."messageId",
                  bool_or(t.type = 'open' AND NOT t.machine) AS ho,
                  bool_or(t.type = 'open' AND t.machine) AS mo,
                  bool_or(t.type = 'click' AND NOT t.machine) AS hc,
                  bool_or(t.type = 'click' AND t.machine) AS mc,
                  bool_or(t.type = 'complaint') AS co,
                  bool_or(t.type = 'unsubscribe') AS un
           FROM "TrackingEvent" t JOIN m ON m.id = t."messageId"
           WHERE t."workspaceId" = $1::uuid
           GROUP BY t."messageId"
         )
         SELECT count(*)::int AS sent,
                count(*) FILTER (WHERE m.status = 'bounced')::int AS bounced,
                count(*) FILTER (WHERE e.ho)::int AS "humanOpened",
                count(*) FILTER (WHERE e.hc)::int AS "humanClicked",
                count(*) FILTER (WHERE e.mo AND NOT e.ho)::int AS "machineOnlyOpened",
                count(*) FILTER (WHERE e.mc AND NOT e.hc)::int AS "machineOnlyClicked",
                count(*) FILTER (WHERE e.co)::int AS complaints,
                count(*) FILTER (WHERE e.un)::int AS unsubscribes
         FROM m LEFT JOIN e ON e."messageId" = m.id`,
        workspaceId,
        since30,
        now,
      ),
      db.campaign.count({ where: { workspaceId, status: 'active' } }),
      db.$queryRawUnsafe<{ id: string; name: string; inProgress: number; enrolled: number }[]>(
        `SELECT c.id::text AS id, c.name,
                count(e.id) FILTER (WHERE e.status = 'active')::int AS "inProgress",
                count(e.id)::int AS enrolled
         FROM "Campaign" c LEFT JOIN "Enrollment" e ON e."campaignId" = c.id
         WHERE c."workspaceId" = $1::uuid AND c.status = 'active'
         GROUP BY c.id ORDER BY c."activatedAt" DESC NULLS LAST, c.name LIMIT 5`,
        workspaceId,
      ),
      db.sendingIdentity.findMany({
        where: { workspaceId },
        select: {
          name: true,
          fromEmail: true,
          smtpUrlEncrypted: true,
          status: true,
          dnsCheck: { select: { status: true } },
          pausedReason: true,
        },
        orderBy: { createdAt: 'asc' },
      }),
      db.formSubmission.findFirst({
        where: { workspaceId, isSpam: false },
        select: { formId: true },
        orderBy: { createdAt: 'desc' },
      }),
      listWarmupPlans(deps, workspaceId),
    ]);

  const leads = leadRows[0]!;
  const email = emailRows[0]!;
  const alerts: Overview['reputation']['alerts'] = [];
  for (const p of plans) {
    const level = p.status === 'paused' ? 'paused' : p.reputation.level;
    if (level !== 'ok')
      alerts.push({
        kind: 'warmup_plan',
        name: p.key,
        level,
        reason: p.pausedReason ?? p.reputation.reason,
      });
  }
  for (const i of identities)
    if (i.status === 'paused')
      alerts.push({ kind: 'identity', name: i.name, level: 'paused', reason: i.pausedReason });
  const level = alerts.some((a) => a.level === 'paused') ? 'paused' : alerts.length ? 'warn' : 'ok';
  // The identity whose DNS is in the best shape: pass, then warn, then a failing check.
  const DNS_ORDER = ['pass', 'warn', 'fail', 'error'] as const;
  const dnsOf = (i: (typeof identities)[number]) =>
    (DNS_ORDER as readonly string[]).includes(i.dnsCheck?.status ?? '')
      ? (i.dnsCheck!.status as (typeof DNS_ORDER)[number])
      : null;
  const checked = identities
    .filter((i) => dnsOf(i))
    .sort((a, b) => DNS_ORDER.indexOf(dnsOf(a)!) - DNS_ORDER.indexOf(dnsOf(b)!))[0];
  const dnsStatus = checked ? dnsOf(checked)! : 'unchecked';
  const rate = (n: number) => (email.sent ? n / email.sent : 0);

  return {
    generatedAt: now.toISOString(),
    todayStartsAt: leads.todayStartsAt.toISOString(),
    timeZone: ws.timeZone,
    leads: {
      today: leads.today,
      last7Days: leads.last7Days,
      last30Days: leads.last30Days,
      total: leads.total,
      bySource: sources,
      recent: recent.map((l) => ({ ...l, createdAt: l.createdAt.toISOString() })),
    },
    email: { ...email, openRate: rate(email.humanOpened), clickRate: rate(email.humanClicked) },
    campaigns: { activeCount, active },
    reputation: {
      level,
      alerts,
      warmups: plans
        .filter((p) => p.enabled)
        .map((p) => ({
          id: p.id,
          scope: p.scope,
          key: p.key,
          day: p.day,
          todayCap: p.todayCap,
          todayUsed: p.todayUsed,
          targetVolume: p.targetVolume,
        })),
    },
    checklist: {
      identity: {
        done: identities.length > 0,
        relay: identities.some((i) => i.smtpUrlEncrypted !== null),
      },
      dns: {
        done: dnsStatus === 'pass' || dnsStatus === 'warn',
        status: dnsStatus,
        identityName: checked?.name ?? null,
      },
      form: { done: Boolean(submission), formId: submission?.formId ?? null },
      campaign: { done: activeCount > 0 },
    },
  };
}
