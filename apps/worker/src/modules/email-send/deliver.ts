// Deliver: one built message over one of the identity's pooled SMTP connections.
//
// The message goes into the pooled transport's queue (so a connection that finishes one message
// starts the next at once), but its body is a stream that nothing has read until a connection
// picks it up: that first read asks for the "handed to SMTP" mark, while the connection goes
// through the envelope (MAIL, RCPT, DATA). The body is then written, but its end (the final "."
// that makes the server accept the message) waits for the mark. A server delivers nothing whose
// DATA did not end, so a crash before the mark leaves nothing delivered: whatever still waits in
// the queue, or was picked up but not marked, is only claimed, and recovery gives it back.
import { Readable } from 'node:stream';
import type { SendMailOptions } from 'nodemailer';
import type { TransportPool, TransportSpec } from '@kindling/sending';
import type { Recorder } from './record.js';

export interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
  command?: string;
}

export type Delivery =
  | { kind: 'accepted'; response: string }
  /** The server answered with an error code (4xx/5xx) at some stage. */
  | { kind: 'refused'; err: SmtpError; answer: string }
  /** No answer, and the end of DATA was never released: nothing can have been delivered. */
  | { kind: 'not-delivered'; err: SmtpError; answer: string }
  /** No answer after the end of DATA was released: the server may have accepted it. */
  | { kind: 'ambiguous'; err: SmtpError; answer: string }
  /** Recovery took the claim back before the mark: not sent, someone else owns the row now. */
  | { kind: 'claim-lost' }
  /** The outgoing-connection guard refused the relay's address: nothing was sent. */
  | { kind: 'egress-refused'; answer: string };

class ClaimLost extends Error {}

/** Set on a message's body stream: called when a connection picks the message up. */
const PICKED_UP = Symbol('picked up');
type Transport = ReturnType<TransportPool['get']>;

/** Delivers through `transports`. */
export class Deliverer {
  private readonly hooked = new WeakSet<Transport>();

  /**
   * The pool calls the message's createReadStream() at the moment a connection takes it, in the
   * same turn as it writes MAIL FROM: the mark is asked for right then (the body's first read
   * comes an event-loop turn later, and every turn counts when the mark is on the way to the end
   * of DATA).
   */
  private hookPickup(transport: Transport): void {
    if (this.hooked.has(transport)) return;
    this.hooked.add(transport);
    transport.use('stream', (mail, done) => {
      const node = mail.message as unknown as { createReadStream: (...a: unknown[]) => unknown };
      const raw = mail.data.raw as { [PICKED_UP]?: () => void } | undefined;
      const create = node.createReadStream.bind(node);
      node.createReadStream = (...a: unknown[]) => {
        raw?.[PICKED_UP]?.();
        return create(...a);
      };
      done();
    });
  }

  constructor(
    private readonly transports: TransportPool,
    private readonly recorder: Recorder,
  ) {}

  /**
   * Sends `prepared` (raw bytes, see precompileMessage) for message `id`. The outcome is queued in
   * the recorder before the connection can pick up its next message (see record.ts): `sent` for an
   * accepted message (the promise `written` says when it is in the database), "not delivered" for
   * a refused one or one that never reached the end of DATA.
   */
  async deliver(
    key: string,
    spec: TransportSpec,
    id: string,
    prepared: SendMailOptions,
  ): Promise<Delivery & { written?: Promise<void> }> {
    const transport = this.transports.get(key, spec);
    const raw = prepared.raw as Buffer;
    const recorder = this.recorder;
    let asked = false;
    let pushed = false;
    let marked = false;
    let released = false;
    const release = () => {
      if (!pushed || !marked || released) return;
      released = true;
      body.push(null);
    };
    const pickedUp = () => {
      if (asked) return;
      asked = true;
      recorder.handed(id).then(
        (ok) => {
          if (!ok) return body.destroy(new ClaimLost());
          marked = true;
          release();
        },
        (e: unknown) => body.destroy(e as Error),
      );
    };
    const body: Readable & { [PICKED_UP]?: () => void } = new Readable({
      // Not pushed before the first read: a push would make the stream read ahead by itself.
      read() {
        pickedUp();
        if (pushed) return;
        pushed = true;
        this.push(raw);
        release();
      },
    });
    body[PICKED_UP] = pickedUp;
    this.hookPickup(transport);
    let info: { response?: string };
    try {
      info = (await transport.sendMail({ ...prepared, raw: body })) as { response?: string };
    } catch (e) {
      const err = e as SmtpError;
      if (body.errored instanceof ClaimLost) return { kind: 'claim-lost' };
      const answer = (err.response ?? err.message).slice(0, 1000);
      if (err.code === 'EGRESS_REFUSED') {
        if (asked) void recorder.notDelivered(id);
        return { kind: 'egress-refused', answer };
      }
      // A connection that never came up cannot have carried the end of DATA, whatever the mark did.
      const neverConnected =
        err.command === 'CONN' || ['EDNS', 'ECONNREFUSED'].includes(err.code ?? '');
      const kind: Delivery['kind'] =
        err.responseCode && err.responseCode >= 400
          ? 'refused'
          : released && !neverConnected
            ? 'ambiguous'
            : 'not-delivered';
      if (kind !== 'ambiguous' && asked) void recorder.notDelivered(id);
      return { kind, err, answer };
    }
    const response = info.response ?? '';
    return { kind: 'accepted', response, written: recorder.sent(id, response) };
  }
}
