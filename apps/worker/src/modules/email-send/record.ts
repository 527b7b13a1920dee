// Record: the "handed to SMTP" marks and the outcomes of each SMTP conversation.
//
// Ordering rule, which bounds what a crash can leave ambiguous: a connection picks up its next
// message only after the previous one's outcome (`sent`, or "not delivered": mark cleared) was
// queued here, and the statement that commits the next mark also commits every outcome still
// queued; an outcome already on its way in another statement is waited for before the end of
// DATA is released. So per SMTP connection at most ONE message is ever "handed but not
// recorded" in the database, and a killed worker leaves at most its pool size ambiguous.
import type { Db } from '@kindling/db';
import { webhookEventsInsert } from '@kindling/webhooks';
import type { Sql } from './sql.js';

type Item = { k: 'h'; id: string } | { k: 's'; id: string; r: string } | { k: 'u'; id: string };

interface Outcome {
  item: Item;
  /** 'queued': not in any statement yet; 'taken': in a statement on its way. */
  state: 'queued' | 'taken';
  /** Resolves true once written, false if its statement failed. */
  written: Promise<boolean>;
  settle: (ok: boolean) => void;
}

// message.sent for campaign and confirmation mail (not account or test mail), in the statement
// that records the outcome.
const SENT_EVENT = webhookEventsInsert('message.sent', {
  from: 'sent s',
  workspaceId: 's."workspaceId"',
  leadId: 's."leadId"',
  data: `jsonb_build_object('messageId', s.id, 'leadId', s."leadId", 'campaignId', s."campaignId",
    'toEmail', s."toEmail", 'subject', s.subject)`,
  where: `s.kind IN ('campaign', 'confirmation')`,
});

const settleSql = (
  tail: string,
) => `WITH v AS (SELECT * FROM json_to_recordset($1::json) AS v(k text, id uuid, r text)),
  sent AS (
    UPDATE "Message" m SET status = 'sent', "sentAt" = now(), "smtpResponse" = v.r, "smtpClass" = NULL, "reviewAt" = NULL, "lastError" = NULL, "updatedAt" = now()
    FROM v WHERE v.k = 's' AND m.id = v.id
    RETURNING m.id, m."workspaceId", m."leadId", m."campaignId", m."toEmail", m.subject, m.kind),
  webhook AS (${SENT_EVENT} RETURNING 1),
  unmarked AS (
    UPDATE "Message" m SET "handedAt" = NULL
    FROM v WHERE v.k = 'u' AND m.id = v.id AND m.status = 'sending' AND m."claimedBy" = $2
    RETURNING m.id),
  marked AS (
    UPDATE "Message" m SET "handedAt" = now()
    FROM v WHERE v.k = 'h' AND m.id = v.id AND m.status = 'sending' AND m."claimedBy" = $2 AND m."handedAt" IS NULL
    RETURNING m.id)
  ${tail}`;
// A mark must be durable before the end of DATA (a mark lost in a database crash would let
// recovery re-send a delivered message), so statements with marks commit normally.
const WITH_MARKS = settleSql('SELECT id::text FROM marked');
// Outcomes alone are committed without waiting for the WAL flush (set_config(..., true) is SET
// LOCAL, read at this statement's commit): an outcome lost in a database crash leaves the row
// `sending` and handed, i.e. ambiguous, never re-sent.
const OUTCOMES_ONLY = settleSql(`SELECT set_config('synchronous_commit', 'off', true) AS id`);

/** Marks and outcomes of one worker process. */
export class Recorder {
  private readonly outcomes = new Map<string, Outcome>();
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private marks: { id: string; done: (ok: boolean) => void; fail: (e: unknown) => void }[] = [];
  /** A mark statement is in flight (the next one waits for it, see handed()). */
  private marking = false;

  /**
   * `flushMs` (5 ms): outcomes no mark took along are written in batches; in bench send-pipeline
   * 2 ms gave batches of ~4 rows, 5 ms ~9, and every statement costs a socket write and a commit.
   */
  constructor(
    private readonly sql: Sql,
    private readonly workerId: string,
    private readonly flushMs = 5,
  ) {}

  private run<T>(text: string, items: Item[]): Promise<T[]> {
    const p = this.sql.query<T>(text, [JSON.stringify(items), this.workerId]);
    this.inFlight.add(p);
    void p.then(
      () => this.inFlight.delete(p),
      () => this.inFlight.delete(p),
    );
    return p;
  }

  /** Takes every queued outcome into a statement; returns them and settles them when it ends. */
  private take(): Outcome[] {
    const taken = [...this.outcomes.values()].filter((o) => o.state === 'queued');
    for (const o of taken) o.state = 'taken';
    return taken;
  }

  private finish(taken: Outcome[], ok: boolean): void {
    for (const o of taken) {
      if (ok) {
        this.outcomes.delete(o.item.id);
        o.settle(true);
      } else o.state = 'queued'; // the next statement takes it again
    }
  }

  private queue(item: Item): Promise<boolean> {
    let settle!: (ok: boolean) => void;
    const written = new Promise<boolean>((r) => (settle = r));
    this.outcomes.set(item.id, { item, state: 'queued', written, settle });
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
    return written;
  }

  private flush(attempt = 0): void {
    this.timer = null;
    const taken = this.take();
    if (!taken.length) return;
    this.run(
      OUTCOMES_ONLY,
      taken.map((o) => o.item),
    ).then(
      () => this.finish(taken, true),
      () => {
        this.finish(taken, false);
        // One retry for a dropped connection (the updates are idempotent); then the waiters fail.
        if (attempt === 0) return this.flush(1);
        for (const o of taken) {
          this.outcomes.delete(o.item.id);
          o.settle(false);
        }
      },
    );
  }

  /**
   * The "handed to SMTP" mark, asked for when a connection picks the message up: resolves true
   * once it is committed together with every earlier outcome, false when this worker no longer
   * holds the claim (recovery took it back): then the message must not be delivered.
   *
   * Group commit: one mark statement is in flight at a time, and the marks asked for meanwhile
   * (the pool's other connections) go together in the next one as soon as it returns, so N
   * connections share one synchronous commit instead of N. In bench send-pipeline this halved
   * the mark statements (2.3 marks each) and the wait per mark did not grow (p50 22.7 ms against
   * 25.5 ms with a statement per mark, both on a machine at load ~40).
   */
  handed(id: string): Promise<boolean> {
    return new Promise((done, fail) => {
      this.marks.push({ id, done, fail });
      // Marks asked for in the same callback share a statement; no later turn is waited for.
      if (this.marks.length === 1 && !this.marking) queueMicrotask(() => this.startMarks());
    });
  }

  private startMarks(): void {
    if (this.marking || !this.marks.length) return;
    this.marking = true;
    void this.flushMarks(() => {
      this.marking = false;
      this.startMarks();
    });
  }

  /** Writes the pending marks; calls `next` as soon as its statement returned (or failed). */
  private async flushMarks(next: () => void): Promise<void> {
    const marks = this.marks.splice(0);
    // Outcomes already on their way in another statement are waited for; queued ones come along.
    const waitFor = [...this.outcomes.values()]
      .filter((o) => o.state === 'taken')
      .map((o) => o.written);
    const taken = this.take();
    let rows: { id: string }[];
    try {
      rows = await this.run<{ id: string }>(WITH_MARKS, [
        ...marks.map((m) => ({ k: 'h' as const, id: m.id })),
        ...taken.map((o) => o.item),
      ]);
    } catch (e) {
      this.finish(taken, false);
      if (taken.length) this.timer ??= setTimeout(() => this.flush(), this.flushMs);
      next();
      for (const m of marks) m.fail(e);
      return;
    }
    this.finish(taken, true);
    next();
    if ((await Promise.all(waitFor)).some((ok) => !ok)) {
      const e = new Error('an earlier outcome could not be recorded');
      for (const m of marks) m.fail(e);
      return;
    }
    const marked = new Set(rows.map((r) => r.id));
    for (const m of marks) m.done(marked.has(m.id));
  }

  /** Queues a `sent` result; resolves when it is written (rejects if it could not be). */
  async sent(id: string, response: string): Promise<void> {
    if (!(await this.queue({ k: 's', id, r: response.slice(0, 1000) })))
      throw new Error(`the sent result of ${id} could not be recorded`);
  }

  /** Queues "not delivered" (the mark is cleared); the caller writes the row's status after. */
  notDelivered(id: string): Promise<boolean> {
    return this.queue({ k: 'u', id });
  }

  /** Writes whatever is pending (on shutdown). */
  async close(): Promise<void> {
    while (this.outcomes.size || this.inFlight.size) {
      if (this.timer) clearTimeout(this.timer);
      this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }
}

/**
 * A 4xx answer or a conversation that never reached the end of DATA: nothing was delivered, so the
 * mark is cleared and the row waits for its retry (`failed` after the last attempt).
 */
export async function recordDeferred(
  db: Db,
  id: string,
  answer: string,
  o: { last: boolean; smtpAnswered: boolean; smtpClass: string | null },
): Promise<void> {
  await db.message.updateMany({
    where: { id, status: 'sending' },
    data: {
      status: o.last ? 'failed' : 'deferred',
      handedAt: null,
      smtpResponse: o.smtpAnswered ? answer : null,
      smtpClass: o.smtpClass,
      lastError: answer,
    },
  });
}

/** The end of DATA may have reached the server but no answer came: not re-sent, set aside for review. */
export async function recordAmbiguous(db: Db, id: string, answer: string): Promise<void> {
  await db.message.updateMany({
    where: { id, status: 'sending' },
    data: {
      status: 'failed',
      reviewAt: new Date(),
      lastError:
        `ambiguous: ${answer} (connection lost after the end of DATA; not re-sent, needs review)`.slice(
          0,
          1000,
        ),
    },
  });
}

/** Nothing was sent (a broken template or key): closed as failed, a person must fix the cause. */
export async function recordUnbuildable(db: Db, id: string, why: string): Promise<void> {
  await db.message.update({
    where: { id },
    data: { status: 'failed', lastError: why.slice(0, 500) },
  });
}
