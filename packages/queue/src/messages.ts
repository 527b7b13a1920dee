// Message creation + enqueue, the one way a Message row comes to exist: a drip step's email, a
// double opt-in confirmation, a test send, account mail. The row is the source of truth and is
// committed first; its `email.send` job is enqueued after the commit (a job must never point at a
// row that was rolled back). If the process dies in between, the drip sweep's send repair finds
// the queued row without a job and enqueues it (packages/campaigns `pendingSends`).
import { randomUUID } from 'node:crypto';
import type { Db, MessageKind, Prisma } from '@kindling/db';
import type { EnqueueSends } from './queues.js';

/** What a new Message row holds; the body is stored rendered and sent as it is. */
export interface NewMessage {
  workspaceId: string;
  kind: MessageKind;
  toEmail: string;
  subject: string;
  /** Rendered HTML (a preheader rides inside it). */
  html: string;
  text: string | null;
  /**
   * Host part of the RFC 5322 Message-ID: the sending domain, or the public host for mail the
   * product sends itself. Anything that is not a plain domain name becomes `kindling.invalid`.
   */
  messageIdDomain?: string | null;
  leadId?: string | null;
  campaignId?: string | null;
  identityId?: string | null;
  /** A drip step's message: unique per enrollment and step (a repeated run finds the first row). */
  enrollmentId?: string | null;
  stepId?: string | null;
  /** Creation time (the drip engine's clock); now by default. */
  createdAt?: Date;
}

/** Creates a Message row (inside the caller's transaction) and returns its id. */
export type CreateMessage = (m: NewMessage) => Promise<string>;

/** A fresh Message-ID on `domain` (stable across retries once stored in the row). */
export function messageIdHeader(domain: string | null | undefined): string {
  const d = domain?.trim().toLowerCase();
  return `<${randomUUID()}@${d && /^[a-z0-9.-]+$/.test(d) ? d : 'kindling.invalid'}>`;
}

/**
 * Writes one row (status `queued`) and returns its id. One statement whether the row is new or
 * already there: a drip step's second run for the same enrollment and step gets the first row's
 * id (ON CONFLICT; a failed INSERT would abort the caller's whole transaction).
 */
async function insertMessage(
  tx: Pick<Prisma.TransactionClient, '$queryRaw'>,
  m: NewMessage,
): Promise<string> {
  const at = m.createdAt ?? new Date();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Message" ("id", "workspaceId", "kind", "campaignId", "enrollmentId", "stepId", "leadId", "identityId",
                           "toEmail", "subject", "html", "text", "messageIdHeader", "status", "createdAt", "updatedAt")
    VALUES (gen_random_uuid(), ${m.workspaceId}::uuid, ${m.kind}::"MessageKind", ${m.campaignId ?? null}::uuid,
            ${m.enrollmentId ?? null}::uuid, ${m.stepId ?? null}::uuid, ${m.leadId ?? null}::uuid,
            ${m.identityId ?? null}::uuid, ${m.toEmail}, ${m.subject}, ${m.html}, ${m.text},
            ${messageIdHeader(m.messageIdDomain)}, 'queued', ${at}, ${at})
    ON CONFLICT ("enrollmentId", "stepId") DO UPDATE SET "enrollmentId" = EXCLUDED."enrollmentId"
    RETURNING id`;
  return rows[0]!.id;
}

/**
 * Runs `work` in one transaction; every message it creates with `create` is enqueued once the
 * transaction committed (none if it rolled back). A failed enqueue rejects, after the commit:
 * the rows stay and the drip sweep's send repair enqueues them.
 */
export async function withNewMessages<T>(
  db: Db,
  enqueue: EnqueueSends,
  work: (tx: Prisma.TransactionClient, create: CreateMessage) => Promise<T>,
): Promise<T> {
  const created: string[] = [];
  const out = await db.$transaction((tx) =>
    work(tx, async (m) => {
      const id = await insertMessage(tx, m);
      created.push(id);
      return id;
    }),
  );
  if (created.length > 0) await enqueue(created);
  return out;
}

/** One message on its own (a test send): the row, then its send. Returns the row's id. */
export async function createMessage(db: Db, enqueue: EnqueueSends, m: NewMessage): Promise<string> {
  const id = await insertMessage(db, m);
  await enqueue([id]);
  return id;
}
