// Idempotency-Key for writes a client may retry (POST /api/leads), the way Stripe does it:
// - a retry with the same key and the same body within 24 h gets the first answer again (with
//   `Idempotent-Replayed: true`), and nothing runs twice;
// - the same key with another body (or on another operation) is a 422;
// - two concurrent requests with one key: the first runs; the second WAITS until the first has
//   committed, then gets its answer (no 409). The key's row is inserted first thing in the work's
//   own transaction: the second insert blocks on the unique key until that transaction ends.
// - an answer is stored only when the work succeeded: a request that failed (4xx or 5xx) left
//   nothing behind, and the key may be used again.
// Keys are per workspace; rows older than 24 h are reused as new and purged by the worker's
// hourly maintenance.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Db, Prisma } from '@kindling/db';
import { IDEMPOTENCY_WINDOW_HOURS } from '@kindling/queue';
import { AppError } from '../../http/errors.js';

/** The longest a request's transaction (or a retry waiting on it) may run. */
const TRANSACTION_TIMEOUT_MS = 120_000;

/** The request's Idempotency-Key header: null when absent, 400 when unusable. */
export function idempotencyKeyOf(req: Request): string | null {
  const key = req.get('idempotency-key');
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key))
    throw new AppError(
      'bad_request',
      'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
    );
  return key;
}

/** JSON with object keys sorted, so a body's fingerprint ignores their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of the parsed request body. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}

export interface IdempotentRequest {
  workspaceId: string;
  /** The Idempotency-Key, or null to simply run the work in a transaction. */
  key: string | null;
  /** What the key is bound to ("POST /api/leads"). */
  operation: string;
  fingerprint: string;
}

/**
 * Runs `work` in one transaction, at most once per (workspace, key) within 24 h; returns its
 * answer, or the stored answer of the first request with that key (`replayed`).
 */
export async function idempotent<T>(
  db: Db,
  req: IdempotentRequest,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<{ body: T; replayed: boolean }> {
  return db.$transaction(
    async (tx) => {
      if (req.key === null) return { body: await work(tx), replayed: false };
      const claimed = await tx.$queryRaw<{ key: string }[]>`
        INSERT INTO "IdempotencyKey" ("workspaceId", "key", "operation", "fingerprint", "responseStatus", "responseBody")
        VALUES (${req.workspaceId}::uuid, ${req.key}, ${req.operation}, ${req.fingerprint}, 0, 'null'::jsonb)
        ON CONFLICT ("workspaceId", "key") DO UPDATE SET
          "operation" = EXCLUDED."operation", "fingerprint" = EXCLUDED."fingerprint",
          "responseStatus" = 0, "responseBody" = 'null'::jsonb, "createdAt" = now()
        WHERE "IdempotencyKey"."createdAt" < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})
        RETURNING "key"`;
      if (claimed.length === 0) {
        const [first] = await tx.$queryRaw<
          { operation: string; fingerprint: string; responseBody: T }[]
        >`SELECT "operation", "fingerprint", "responseBody" FROM "IdempotencyKey"
          WHERE "workspaceId" = ${req.workspaceId}::uuid AND "key" = ${req.key}`;
        if (!first) throw new Error('idempotency key vanished');
        if (first.operation !== req.operation || first.fingerprint !== req.fingerprint)
          throw new AppError(
            'validation_failed',
            'This Idempotency-Key was used for a different request in the last 24 hours; use a new key for a new request',
            [{ field: 'Idempotency-Key', issue: 'reused with a different request' }],
          );
        return { body: first.responseBody, replayed: true };
      }
      const body = await work(tx);
      await tx.$executeRaw`
        UPDATE "IdempotencyKey" SET "responseStatus" = 200, "responseBody" = ${JSON.stringify(body)}::jsonb
        WHERE "workspaceId" = ${req.workspaceId}::uuid AND "key" = ${req.key}`;
      return { body, replayed: false };
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
  );
}
