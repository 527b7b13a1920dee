// Claim: the durable at-most-once barrier. One conditional UPDATE ... RETURNING hands a row
// (queued|held|deferred -> sending) to exactly one attempt, checks suppression, lead state and a
// paused identity in the same statement, and returns everything the send needs.
import type { Db } from '@kindling/db';
import { Coalescer, type Sql } from './sql.js';

/**
 * Claims in coalesced batches: one conditional UPDATE ... RETURNING for the messages of every job
 * that asked within a couple of milliseconds (each row is still claimed by exactly one attempt:
 * the UPDATE is conditional, and an id asked for twice in one batch is given to the first asker
 * only). Not retried on error: the job fails, and its retry judges the row by its status.
 */
export class Claimer {
  private readonly batches: Coalescer<string, SendRow | null>;

  // 5 ms: see ResultWriter.
  constructor(sql: Sql, workerId: string, flushMs = 5) {
    this.batches = new Coalescer(
      async (ids) => {
        const rows = await claimForSend(sql, ids, workerId);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => {
          const r = byId.get(id) ?? null;
          byId.delete(id);
          return r;
        });
      },
      flushMs,
      200,
    );
  }

  /** Claims one message; null when it cannot be claimed now. */
  claim(id: string): Promise<SendRow | null> {
    return this.batches.add(id);
  }

  close(): Promise<void> {
    return this.batches.close();
  }
}

export interface SendRow {
  id: string;
  workspaceId: string;
  kind: 'campaign' | 'confirmation' | 'test' | 'account';
  campaignId: string | null;
  leadId: string | null;
  stepId: string | null;
  toEmail: string;
  subject: string;
  messageIdHeader: string;
  status: string;
  claimedAt: Date | null;
  claimedBy: string | null;
  html: string | null;
  text: string | null;
  suppressedReason: string | null;
  /** The campaign's tracking switches (claim only; null for other kinds). */
  tracking?: { opens: boolean; clicks: boolean } | null;
  workspace: { name: string; timeZone: string; postalAddress: string };
  identity: {
    id: string;
    fromName: string;
    fromEmail: string;
    replyTo: string | null;
    smtpUrlEncrypted: string | null;
    poolSize: number;
    ipPool: string;
    dkimDomain: string | null;
    dkimSelector: string | null;
    dkimPrivateKeyEncrypted: string | null;
    returnPathDomain: string | null;
    status: 'active' | 'paused';
    pausedReason: string | null;
    /** Which relay's webhook reports this identity's bounces (its echo headers go on the mail). */
    relayKind: string;
  } | null;
  /** The lead's status (the send-time check: only an active lead is sent to). */
  lead: { status: string } | null;
}

/**
 * Everything one send needs, with the suppression check, in ONE query: this runs for every
 * message, and separate ORM reads (message, identity, workspace, lead, suppression) were most of
 * the pipeline's cost.
 */
export async function loadForSend(db: Db, id: string): Promise<SendRow | null> {
  const rows = await db.$queryRaw<(Omit<SendRow, 'claimedAt'> & { claimedAtMs: number | null })[]>`
    SELECT m.id::text, m."workspaceId"::text, m.kind::text, m."campaignId"::text, m."leadId"::text, m."stepId"::text,
      m."toEmail", m.subject, m."messageIdHeader", m.status::text, m."claimedBy", m.html, m.text,
      (extract(epoch FROM m."claimedAt") * 1000)::float8 AS "claimedAtMs",
      s.reason::text AS "suppressedReason",
      json_build_object('name', w.name, 'timeZone', w."timeZone", 'postalAddress', w."postalAddress") AS workspace,
      CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object(
        'id', i.id, 'fromName', i."fromName", 'fromEmail', i."fromEmail", 'replyTo', i."replyTo",
        'smtpUrlEncrypted', i."smtpUrlEncrypted", 'poolSize', i."poolSize", 'ipPool', i."ipPool",
        'dkimDomain', i."dkimDomain", 'dkimSelector', i."dkimSelector", 'dkimPrivateKeyEncrypted', i."dkimPrivateKeyEncrypted",
        'returnPathDomain', i."returnPathDomain", 'status', i.status, 'pausedReason', i."pausedReason", 'relayKind', i."relayKind") END AS identity,
      CASE WHEN l.id IS NULL THEN NULL ELSE json_build_object('status', l.status) END AS lead
    FROM "Message" m
    JOIN "Workspace" w ON w.id = m."workspaceId"
    LEFT JOIN "SendingIdentity" i ON i.id = m."identityId"
    LEFT JOIN "Lead" l ON l.id = m."leadId"
    LEFT JOIN "Suppression" s ON s."workspaceId" = m."workspaceId" AND s.email = lower(m."toEmail")
    WHERE m.id = ${id}::uuid`;
  const r = rows[0];
  if (!r) return null;
  const { claimedAtMs, ...rest } = r;
  return { ...rest, claimedAt: claimedAtMs === null ? null : new Date(claimedAtMs) };
}

const IDENTITY_JSON = `json_build_object(
        'id', i.id, 'fromName', i."fromName", 'fromEmail', i."fromEmail", 'replyTo', i."replyTo",
        'smtpUrlEncrypted', i."smtpUrlEncrypted", 'poolSize', i."poolSize", 'ipPool', i."ipPool",
        'dkimDomain', i."dkimDomain", 'dkimSelector', i."dkimSelector", 'dkimPrivateKeyEncrypted', i."dkimPrivateKeyEncrypted",
        'returnPathDomain', i."returnPathDomain", 'status', i.status, 'pausedReason', i."pausedReason", 'relayKind', i."relayKind")`;

/**
 * The claim, the send-time suppression check and the load in ONE statement: the row goes
 * queued|held|deferred -> sending only if its address is not suppressed, its lead (if any) is
 * active and its identity is not paused, and the statement returns everything the send needs.
 * Rows not returned were not claimed (see `unclaimable` for why).
 */
async function claimForSend(sql: Sql, ids: string[], workerId: string): Promise<SendRow[]> {
  const rows = await sql.query<Omit<SendRow, 'claimedAt'>>(
    `WITH c AS (
      UPDATE "Message" m SET status = 'sending', "claimedAt" = now(), "claimedBy" = $2,
        attempts = attempts + 1, "lastError" = NULL, "updatedAt" = now()
      WHERE m.id IN (SELECT value::uuid FROM json_array_elements_text($1::json)) AND m.status IN ('queued', 'held', 'deferred')
        AND NOT EXISTS (SELECT 1 FROM "Suppression" s WHERE s."workspaceId" = m."workspaceId" AND s.email = lower(m."toEmail"))
        AND NOT EXISTS (SELECT 1 FROM "Lead" l WHERE l.id = m."leadId" AND l.status <> 'active')
        AND NOT EXISTS (SELECT 1 FROM "SendingIdentity" i WHERE i.id = m."identityId" AND i.status = 'paused')
      RETURNING m.id, m."workspaceId", m.kind, m."campaignId", m."leadId", m."stepId", m."identityId",
        m."toEmail", m.subject, m."messageIdHeader", m.status, m."claimedBy", m.html, m.text
    )
    SELECT c.id::text, c."workspaceId"::text, c.kind::text, c."campaignId"::text, c."leadId"::text, c."stepId"::text,
      c."toEmail", c.subject, c."messageIdHeader", c.status::text, c."claimedBy", c.html, c.text,
      NULL::text AS "suppressedReason",
      json_build_object('name', w.name, 'timeZone', w."timeZone", 'postalAddress', w."postalAddress") AS workspace,
      CASE WHEN i.id IS NULL THEN NULL ELSE ${IDENTITY_JSON} END AS identity,
      CASE WHEN l.id IS NULL THEN NULL ELSE json_build_object('status', l.status) END AS lead,
      CASE WHEN k.id IS NULL THEN NULL ELSE json_build_object('opens', k."trackOpens", 'clicks', k."trackClicks") END AS tracking
    FROM c
    JOIN "Workspace" w ON w.id = c."workspaceId"
    LEFT JOIN "SendingIdentity" i ON i.id = c."identityId"
    LEFT JOIN "Lead" l ON l.id = c."leadId"
    LEFT JOIN "Campaign" k ON k.id = c."campaignId"`,
    [JSON.stringify(ids), workerId],
  );
  return rows.map((r) => ({ ...r, claimedAt: null }));
}
