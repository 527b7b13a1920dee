// Response schema of GET /api/overview, the home page of a workspace: what apps/api answers,
// typed for apps/web.
import { z } from 'zod';

const count = z.number().int().nonnegative();

export const overviewSchema = z.object({
  /** Now and the start of today in the workspace's zone (ISO), the windows' reference points. */
  generatedAt: z.string(),
  todayStartsAt: z.string(),
  timeZone: z.string(),
  leads: z.object({
    /** New leads (first seen) since local midnight, in the last 7 × 24 h and 30 × 24 h. */
    today: count,
    last7Days: count,
    last30Days: count,
    total: count,
    /**
     * New leads of the last 30 days by source: the first UTM source, else `(direct)` for a form
     * submission without one, `(import)` for a CSV import, `(api)` for the rest. Largest first.
     */
    bySource: z.array(z.object({ source: z.string(), count })),
    /** The five newest leads, newest first. */
    recent: z.array(
      z.object({
        id: z.uuid(),
        email: z.string(),
        name: z.string().nullable(),
        source: z.string(),
        createdAt: z.string(),
      }),
    ),
  }),
  email: z.object({
    /** Campaign and confirmation emails handed to SMTP in the last 30 days (bounced included). */
    sent: count,
    bounced: count,
    /** Of those, emails with at least one human open / click (machine events apart). */
    humanOpened: count,
    humanClicked: count,
    /** humanOpened / sent and humanClicked / sent, 0 when nothing was sent. */
    openRate: z.number(),
    clickRate: z.number(),
    /** Emails opened / clicked only by machines (privacy proxies, scanners): never in the rates. */
    machineOnlyOpened: count,
    machineOnlyClicked: count,
    complaints: count,
    unsubscribes: count,
  }),
  campaigns: z.object({
    activeCount: count,
    /** Active campaigns, most recently activated first (at most 5). */
    active: z.array(
      z.object({ id: z.uuid(), name: z.string(), inProgress: count, enrolled: count }),
    ),
  }),
  reputation: z.object({
    /** The worst level of any warm-up plan or identity: paused outranks warn outranks ok. */
    level: z.enum(['ok', 'warn', 'paused']),
    alerts: z.array(
      z.object({
        kind: z.enum(['warmup_plan', 'identity']),
        /** The pool label or domain of a plan, the name of an identity. */
        name: z.string(),
        level: z.enum(['warn', 'paused']),
        reason: z.string().nullable(),
      }),
    ),
    /** Warm-ups in progress: day N of the curve and today's cap and use. */
    warmups: z.array(
      z.object({
        id: z.uuid(),
        scope: z.enum(['ip_pool', 'domain']),
        key: z.string(),
        day: z.number().int(),
        todayCap: count,
        todayUsed: count,
        targetVolume: count,
      }),
    ),
  }),
  checklist: z.object({
    /** A sending identity exists; `relay` when one sends through an SMTP relay (not the catcher). */
    identity: z.object({ done: z.boolean(), relay: z.boolean() }),
    /**
     * The DNS check of an identity (SPF, DKIM, DMARC, return-path MX, tracking host) passes, or
     * passes with warnings. `status` is the best identity's latest check (`unchecked` when none
     * ran yet); `identityName` names it.
     */
    dns: z.object({
      done: z.boolean(),
      status: z.enum(['pass', 'warn', 'fail', 'error', 'unchecked']),
      identityName: z.string().nullable(),
    }),
    /** A form has received a (non-spam) submission. */
    form: z.object({ done: z.boolean(), formId: z.uuid().nullable() }),
    /** A campaign is active. */
    campaign: z.object({ done: z.boolean() }),
  }),
});
export type Overview = z.infer<typeof overviewSchema>;
