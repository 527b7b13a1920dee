// Rows for sending tests, created straight in Postgres with unique names (the database is shared).
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createDb, type Db } from '@kindling/db';
import { QUEUES, enqueueEmailSend } from '@kindling/queue';
import { encryptSecret, generateDkimKeyPair, newMessageIdHeader } from '@kindling/sending';

export const E2E_SECRET = 'e2e-secret-0123456789abcdef0123456789abcdef';

export interface Fixtures {
  db: Db;
  redis: Redis;
  queue: Queue;
  close: () => Promise<void>;
}

/** Database, Redis and the email queue as the product's worker sees them (prefix "bull"). */
export function openFixtures(): Fixtures {
  const db = createDb(process.env.DATABASE_URL!);
  const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.email, { connection: redis });
  return {
    db,
    redis,
    queue,
    close: async () => {
      await queue.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}

export async function createWorkspace(db: Db, name = 'sending test') {
  return db.workspace.create({
    data: { name, postalAddress: '1 Test Street, Testville, US', timeZone: 'UTC' },
  });
}

export interface IdentityOptions {
  smtpUrl?: string | null;
  ipPool?: string;
  returnPathDomain?: string;
  dkim?: boolean;
  fromEmail?: string;
  poolSize?: number;
}

export async function createIdentity(db: Db, workspaceId: string, o: IdentityOptions = {}) {
  const keys = o.dkim ? generateDkimKeyPair() : null;
  const fromEmail = o.fromEmail ?? `news@${randomUUID().slice(0, 8)}.kindling.test`;
  const identity = await db.sendingIdentity.create({
    data: {
      workspaceId,
      name: 'test identity',
      fromName: 'Kindling Test',
      fromEmail,
      smtpUrlEncrypted: o.smtpUrl ? encryptSecret(E2E_SECRET, o.smtpUrl) : null,
      poolSize: o.poolSize ?? 3,
      ipPool: o.ipPool ?? `pool-${randomUUID().slice(0, 8)}`,
      dkimDomain: keys ? fromEmail.split('@')[1]! : null,
      dkimSelector: keys ? 'k1' : null,
      dkimPrivateKeyEncrypted: keys ? encryptSecret(E2E_SECRET, keys.privateKeyPem) : null,
      dkimPublicKey: keys?.publicKey ?? null,
      returnPathDomain: o.returnPathDomain ?? null,
    },
  });
  return identity;
}

export async function createLead(db: Db, workspaceId: string, email?: string) {
  return db.lead.create({
    data: {
      workspaceId,
      email: (email ?? `lead-${randomUUID()}@example.org`).toLowerCase(),
      firstName: 'Ann',
    },
  });
}

/**
 * A queued message row plus its email.send job, as a producer creates them: producers store the
 * subject and body rendered (the drip engine renders merge tags at step time).
 */
export async function queueMessage(
  f: Fixtures,
  input: {
    workspaceId: string;
    identityId?: string | null;
    leadId?: string | null;
    toEmail: string;
    subject?: string;
    html?: string;
  },
) {
  const msg = await f.db.message.create({
    data: {
      workspaceId: input.workspaceId,
      kind: 'test',
      identityId: input.identityId ?? null,
      leadId: input.leadId ?? null,
      toEmail: input.toEmail,
      subject: input.subject ?? 'Hello Ann',
      html: input.html ?? '<p>Hi there, <a href="https://example.com/welcome">welcome</a>.</p>',
      text: null,
      messageIdHeader: newMessageIdHeader('kindling.test'),
    },
  });
  await enqueueEmailSend(f.queue, msg.id);
  return msg;
}

/** Polls `check` until it returns a truthy value or throws after `timeoutMs` with `describe()`. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  describe: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
