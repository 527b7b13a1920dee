// What an inbound report (DSN, ARF, SES notification, mailto unsubscribe) must prove before it
// changes anything: that it is about a message Kindling sent. The proof is the message token
// (message id + HMAC tag, `verpTokenFor`) that only Kindling can mint: in the VERP return path
// the report was delivered to, in the returned original's Return-Path or X-Kindling-Message, in an
// ARF report's Original-Mail-From, or in SES's `mail.source`. What is then suppressed or marked is
// that message's own recipient from our Message row, never an address the report names: a
// recipient who holds the token can only ever affect their own address. Anything else is stored
// for review (InboundReview) and not acted on.
import type { Db } from '@kindling/db';
import { messageIdFromVerpToken } from './verp.js';
import type { RelayKindName } from './relays/types.js';

/** Outgoing header carrying the message token (a report's returned original echoes it). */
export const MESSAGE_TOKEN_HEADER = 'X-Kindling-Message';

/** A message token: 32 hex digits of the message id and a 10-character base64url tag. */
const TOKEN = /(?:^|[+<\s:;])([0-9a-fA-F]{32}[A-Za-z0-9_-]{10})(?=$|[@>\s;])/;

export type ReviewReason =
  | 'no_token'
  | 'bad_signature'
  | 'unknown_message'
  | 'conflicting_tokens'
  /** A relay webhook request whose signature or credentials do not verify. */
  | 'unverified';

export type ReportProof =
  | { verified: true; messageId: string }
  | { verified: false; reason: Exclude<ReviewReason, 'unknown_message' | 'unverified'> };

/**
 * Judges the places a report may carry our token (addresses or header values; nulls skipped).
 * One message proven, even beside a broken token, is enough: only its own recipient is touched.
 */
export function proveReport(secret: string, carriers: (string | null | undefined)[]): ReportProof {
  const ids = new Set<string>();
  let bad = 0;
  for (const value of carriers) {
    const token = value ? TOKEN.exec(value.trim())?.[1] : undefined;
    if (!token) continue;
    const id = messageIdFromVerpToken(secret, token);
    if (id) ids.add(id);
    else bad++;
  }
  if (ids.size === 1) return { verified: true, messageId: [...ids][0]! };
  if (ids.size > 1) return { verified: false, reason: 'conflicting_tokens' };
  return { verified: false, reason: bad > 0 ? 'bad_signature' : 'no_token' };
}

/** What a report claims without proof: used only to show the review item to the right workspace. */
export interface UnprovenRefs {
  /** An X-Kindling-Message value (a bare id in mail sent before tokens were signed). */
  kindlingHeader?: string | null;
  messageIdHeader?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The message a report claims to be about, found without proof (never acted on). */
export async function claimedMessage(
  db: Db,
  refs: UnprovenRefs,
): Promise<{ id: string; workspaceId: string } | null> {
  const bare = refs.kindlingHeader?.trim();
  const select = { id: true, workspaceId: true } as const;
  if (bare && UUID.test(bare)) {
    const m = await db.message.findUnique({ where: { id: bare.toLowerCase() }, select });
    if (m) return m;
  }
  const mid = refs.messageIdHeader?.trim();
  if (mid && mid.length <= 998)
    return db.message.findUnique({ where: { messageIdHeader: mid }, select });
  return null;
}

export interface ReviewItem {
  source: 'smtp' | 'ses' | RelayKindName;
  /** The workspace it arrived for, when the endpoint knows it (a relay webhook of one identity). */
  workspaceId?: string;
  kind: string;
  reason: ReviewReason;
  envelopeFrom?: string;
  envelopeTo?: string;
  namedRecipients?: (string | null)[];
  raw: string | Buffer;
  refs?: UnprovenRefs;
}

const EXCERPT_BYTES = 64 * 1024;
/** Review items older than this are purged by the worker's maintenance job. */
export const REVIEW_RETENTION_MS = 30 * 86_400_000;

/** Stores an unverifiable report for review (attributed to the workspace it claims, if any). */
export async function storeForReview(db: Db, item: ReviewItem): Promise<string> {
  const claimed = item.refs ? await claimedMessage(db, item.refs) : null;
  const raw = typeof item.raw === 'string' ? Buffer.from(item.raw) : item.raw;
  const named = [
    ...new Set((item.namedRecipients ?? []).filter((a): a is string => !!a).map(clip)),
  ].slice(0, 50);
  const row = await db.inboundReview.create({
    data: {
      source: item.source,
      kind: item.kind,
      reason: item.reason,
      // An endpoint's own workspace wins over what an unproven reference claims.
      workspaceId: item.workspaceId ?? claimed?.workspaceId ?? null,
      messageId:
        claimed && (!item.workspaceId || claimed.workspaceId === item.workspaceId)
          ? claimed.id
          : null,
      envelopeFrom: clip(item.envelopeFrom ?? ''),
      envelopeTo: clip(item.envelopeTo ?? ''),
      namedRecipients: named,
      // NUL bytes are not storable in Postgres text; the excerpt is for reading, not replay.
      excerpt: raw.subarray(0, EXCERPT_BYTES).toString('utf8').replaceAll('\0', ''),
    },
    select: { id: true },
  });
  return row.id;
}

/** Deletes review items older than the retention; returns how many. */
export async function purgeOldReviews(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.inboundReview.deleteMany({
    where: { receivedAt: { lt: new Date(now.getTime() - REVIEW_RETENTION_MS) } },
  });
  return count;
}

function clip(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 320);
}
