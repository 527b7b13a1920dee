// A relay's webhook request for one identity (POST /api/webhooks/relays/:identityId): verified
// with that identity's key by the provider's own scheme (packages/sending/src/relays), then each
// bounce, complaint or unsubscribe it reports is applied only when it is about a message this
// workspace sent: proven by our signed token echoed back (report-trust.ts), or failing any token,
// by the Message-ID of a message sent through this very identity (the relay whose signature just
// verified vouches for its own mail). Effects are for the message's own recipient, through the
// same outcome code as inbound SMTP and SES (apply-report.ts, @kindling/leads unsubscribe).
// Anything else is stored for review, not acted on; so is a request that does not verify, at
// most UNVERIFIED_PER_HOUR per identity, so a stranger cannot fill the table.
import type { RelayWebhookAnswer } from '@kindling/shared';
import { REPUTATION_WINDOW_MS, REPUTATION_MIN_SAMPLE, SOFT_BOUNCE_LIMIT } from '@kindling/queue';
import { unsubscribe } from '@kindling/leads';
import {
  applyReportOutcome,
  decryptSecret,
  guardReputation,
  isRelayKind,
  PROVEN_MESSAGE_SELECT,
  proveReport,
  RELAY_ADAPTERS,
  storeForReview,
  type ProvenMessage,
  type RelayAdapter,
  type RelayEvent,
  type RelayRequest,
  type ReviewReason,
} from '@kindling/sending';
import type { AppDeps } from '../../deps.js';
import { AppError, notFound } from '../../http/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Unverified requests stored for review per identity and hour (the rest are only refused). */
export const UNVERIFIED_PER_HOUR = 10;

interface RelayIdentity {
  id: string;
  workspaceId: string;
}

/** Verifies, parses and applies one webhook request; throws 404 / 401 / 400 as AppError. */
export async function receiveRelayWebhook(
  deps: AppDeps,
  identityId: string,
  req: RelayRequest,
): Promise<RelayWebhookAnswer> {
  const { db, config, logger } = deps;
  const identity = UUID.test(identityId)
    ? await db.sendingIdentity.findUnique({
        where: { id: identityId.toLowerCase() },
        select: { id: true, workspaceId: true, relayKind: true, relayKeyEncrypted: true },
      })
    : null;
  if (!identity || !isRelayKind(identity.relayKind) || !identity.relayKeyEncrypted)
    throw notFound('Relay webhook');
  const adapter = RELAY_ADAPTERS[identity.relayKind];
  let key: string;
  try {
    key = decryptSecret(config.appSecret, identity.relayKeyEncrypted);
  } catch {
    logger.error(
      { identityId },
      'relay webhook key cannot be decrypted with the current APP_SECRET',
    );
    throw new AppError('unavailable', 'This webhook’s key must be entered again');
  }
  const problem = adapter.verify(req, key);
  if (problem) {
    await holdUnverified(deps, identity, adapter, req, problem);
    throw new AppError('unauthorized', `${adapter.label} webhook not verified: ${problem}`);
  }
  const parsed = adapter.parse(req.body);
  if (!parsed) throw new AppError('bad_request', `Body is not a ${adapter.label} webhook payload`);

  const answer: RelayWebhookAnswer = { applied: 0, review: 0, ignored: parsed.ignored };
  const applied: ProvenMessage[] = [];
  for (const ev of parsed.events) {
    const found = await messageOf(deps, identity, ev);
    if ('reason' in found) {
      await storeForReview(db, {
        source: adapter.kind,
        kind: `${adapter.kind}_${ev.outcome}`,
        reason: found.reason,
        workspaceId: identity.workspaceId,
        namedRecipients: [ev.recipient],
        raw: ev.raw,
        refs: { messageIdHeader: ev.messageIdHeader },
      });
      answer.review++;
      continue;
    }
    const m = found.message;
    if (ev.outcome === 'unsubscribe') {
      await unsubscribe(db, {
        workspaceId: m.workspaceId,
        leadIds: m.leadId ? [m.leadId] : [],
        email: m.toEmail,
        messageId: m.id,
        via: 'relay',
        event: { key: `unsubscribe:${m.id}` },
      });
    } else {
      await applyReportOutcome(db, m, ev.outcome, ev.detail, SOFT_BOUNCE_LIMIT);
      applied.push(m);
    }
    answer.applied++;
  }
  await guardReputation(db, applied, {
    reputationWindowMs: REPUTATION_WINDOW_MS,
    reputationMinSample: config.reputationMinSample ?? REPUTATION_MIN_SAMPLE,
  });
  if (answer.review > 0)
    logger.warn({ identityId, relay: adapter.kind, ...answer }, 'relay reports stored for review');
  return answer;
}

/** The message a report is about, or why it cannot be acted on. */
async function messageOf(
  deps: AppDeps,
  identity: RelayIdentity,
  ev: RelayEvent,
): Promise<{ message: ProvenMessage } | { reason: ReviewReason }> {
  const { db, config } = deps;
  const proof = proveReport(config.appSecret, ev.tokenCarriers);
  if (proof.verified) {
    const m = await db.message.findUnique({
      where: { id: proof.messageId },
      select: PROVEN_MESSAGE_SELECT,
    });
    // Another workspace's message (its token copied into this relay's events) is not ours here.
    return m && m.workspaceId === identity.workspaceId
      ? { message: m }
      : { reason: 'unknown_message' };
  }
  // A token that does not verify, or two messages' tokens, is suspicious: never fall back.
  if (proof.reason !== 'no_token' || !ev.messageIdHeader || ev.messageIdHeader.length > 998)
    return { reason: proof.reason };
  const m = await db.message.findFirst({
    where: { messageIdHeader: ev.messageIdHeader, identityId: identity.id },
    select: PROVEN_MESSAGE_SELECT,
  });
  return m ? { message: m } : { reason: 'no_token' };
}

/** Stores an unverified request for review, at most UNVERIFIED_PER_HOUR per identity. */
async function holdUnverified(
  deps: AppDeps,
  identity: RelayIdentity,
  adapter: RelayAdapter,
  req: RelayRequest,
  problem: string,
): Promise<void> {
  const hour = Math.floor(req.now / 3_600_000);
  const counter = `relay-unverified:${identity.id}:${hour}`;
  const [[, count]] = (await deps.redis.multi().incr(counter).expire(counter, 3600).exec()) as [
    [unknown, number],
  ];
  deps.logger.warn(
    { identityId: identity.id, relay: adapter.kind, problem },
    'relay webhook refused',
  );
  if (count > UNVERIFIED_PER_HOUR) return;
  await storeForReview(deps.db, {
    source: adapter.kind,
    kind: `${adapter.kind}_unverified`,
    reason: 'unverified',
    workspaceId: identity.workspaceId,
    envelopeFrom: problem,
    raw: req.body,
  });
}
