// A minimal receiving SMTP server (smtp-server) used for the dev mail catcher and for the
// inbound bounce/complaint listener. Plain SMTP on loopback: no TLS, no AUTH.
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
}

export interface SmtpListenerOptions {
  host: string;
  /** 0 = an ephemeral port. */
  port: number;
  /** Refuse (550) recipients for which this returns false. */
  acceptRecipient?: (address: string) => boolean;
  onMail: (mail: ReceivedMail) => Promise<void>;
  maxSize?: number;
  /** Called on server errors (logging). */
  onError?: (err: Error) => void;
}

export interface SmtpListener {
  port: number;
  close: () => Promise<void>;
}

/** Starts an SMTP listener; resolves once it accepts connections. */
export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const maxSize = opts.maxSize ?? 25 * 1024 * 1024;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    size: maxSize,
    banner: 'kindling',
    onRcptTo(address: SMTPServerAddress, _session, cb) {
      if (opts.acceptRecipient && !opts.acceptRecipient(address.address)) {
        const err = new Error('5.1.1 no such recipient here') as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const tooBig = (stream as unknown as { sizeExceeded?: boolean }).sizeExceeded;
        if (tooBig) {
          const err = new Error('5.3.4 message too big') as Error & { responseCode: number };
          err.responseCode = 552;
          return cb(err);
        }
        const mail: ReceivedMail = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        opts.onMail(mail).then(
          () => cb(),
          (err: unknown) => {
            // A storage failure answers 451 so the sender keeps the message and retries.
            opts.onError?.(err as Error);
            const e = new Error('4.3.0 temporary failure, try again') as Error & {
              responseCode: number;
            };
            e.responseCode = 451;
            cb(e);
          },
        );
      });
    },
  });
  server.on('error', (err: Error) => opts.onError?.(err));
  await new Promise<void>((resolve, reject) => {
    const onErr = (err: Error) => reject(err);
    server.server.once('error', onErr);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onErr);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
