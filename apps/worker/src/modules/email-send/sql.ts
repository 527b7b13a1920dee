// The send path's database access: raw SQL (the hot statements are hand-written: separate ORM
// reads were most of the pipeline's cost) and the coalescer that turns the statements of many
// concurrent jobs into one.
import type { Db } from '@kindling/db';
import pg from 'pg';

/** Runs SQL text with positional parameters; returns rows (query) or the row count (execute). */
export interface Sql {
  query<T>(text: string, params: unknown[]): Promise<T[]>;
  execute(text: string, params: unknown[]): Promise<number>;
}

/** The Prisma client as an `Sql`. */
export function prismaSql(db: Db): Sql {
  return {
    query: <T>(text: string, params: unknown[]) => db.$queryRawUnsafe<T[]>(text, ...params),
    execute: (text: string, params: unknown[]) => db.$executeRawUnsafe(text, ...params),
  };
}

/** A node-postgres pool as an `Sql`. */
export function pgSql(pool: pg.Pool): Sql {
  return {
    query: async <T>(text: string, params: unknown[]) =>
      (await pool.query(text, params)).rows as T[],
    execute: async (text: string, params: unknown[]) =>
      (await pool.query(text, params)).rowCount ?? 0,
  };
}

/**
 * The send path's own pool of up to `size` connections to `url`. A connection that fails while
 * idle (a database restart) is dropped and reported, never an unhandled error; a connection that
 * cannot be had within 5 s fails the statement (the job's retry rules apply), as with `db`.
 */
export function sendPool(url: string, onIdleError: (err: Error) => void, size = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size, connectionTimeoutMillis: 5_000 });
  pool.on('error', onIdleError);
  return pool;
}

/**
 * Coalesces calls into one batch call: a batch starts `flushMs` after its first item, or as soon as
 * the previous batch finished (one batch in flight at a time, at most `maxBatch` items). Each
 * `add()` resolves with its own item's output once the whole batch is done.
 */
export class Coalescer<I, O> {
  private pending: { item: I; done: (o: O) => void; fail: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private due = Infinity;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly flushMs = 2,
    private readonly maxBatch = 200,
  ) {}

  /**
   * Queues an item; resolves with its output when its batch ran. `flushMs` below the default
   * brings the batch forward for an item someone is waiting on (it takes the others with it).
   */
  add(item: I, flushMs = this.flushMs): Promise<O> {
    return new Promise((done, fail) => {
      this.pending.push({ item, done, fail });
      if (this.flushing) return; // picked up when the batch in flight finishes
      if (this.pending.length >= this.maxBatch) return this.flushNow();
      const due = Date.now() + flushMs;
      if (due >= this.due) return;
      if (this.timer) clearTimeout(this.timer);
      this.due = due;
      this.timer = setTimeout(() => this.flushNow(), flushMs);
    });
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = Infinity;
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.flushing = this.run(batch.map((b) => b.item))
      .then(
        (out) => batch.forEach((b, i) => b.done(out[i] as O)),
        (e: unknown) => batch.forEach((b) => b.fail(e)),
      )
      .finally(() => {
        this.flushing = null;
        if (this.pending.length) this.flushNow();
      });
  }

  /** Runs whatever is pending (on shutdown). */
  async close(): Promise<void> {
    while (this.pending.length || this.flushing) {
      if (!this.flushing) this.flushNow();
      await this.flushing;
    }
  }
}
