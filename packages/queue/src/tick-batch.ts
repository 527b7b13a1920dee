// Many requests, one Redis round trip: calls made in the same turn of the event loop are
// collected and run together (typically one Lua script call doing N commands atomically).
// Each caller is answered when that one call returns; a failed call fails every caller in it,
// so nothing is ever answered as written when it was not.

/** Called once per item with the call's error, or null and the item's result. */
export type BatchDone<O> = (err: Error | null, out?: O) => void;

/** Batches items added in one event-loop turn (at most `maxBatch`) into one `run` call. */
export class TickBatcher<I, O> {
  private items: I[] = [];
  private callbacks: BatchDone<O>[] = [];
  private scheduled = false;

  /** `run` gets the items in order and must resolve with one result per item, in order. */
  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 1_000,
  ) {}

  /** Queues `item`; `done` runs once its batch has been written (or failed). */
  add(item: I, done: BatchDone<O>): void {
    this.items.push(item);
    this.callbacks.push(done);
    if (this.callbacks.length >= this.maxBatch) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.callbacks.length === 0) return;
    const items = this.items;
    const callbacks = this.callbacks;
    this.items = [];
    this.callbacks = [];
    this.run(items).then(
      (outs) => {
        for (let i = 0; i < callbacks.length; i++) callbacks[i]!(null, outs[i]);
      },
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        for (const cb of callbacks) cb(e);
      },
    );
  };
}
