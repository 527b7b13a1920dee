// One pooled nodemailer transport per identity (and one for the dev mail catcher), reused
// across jobs so each message does not pay a TCP + EHLO (+ TLS + AUTH) handshake.
import net from 'node:net';
import tls from 'node:tls';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { EgressGuard } from '@kindling/egress';
import DKIM from 'nodemailer/lib/dkim/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

export interface TransportSpec {
  /** smtp(s)://user:pass@host:port */
  url: string;
  poolSize: number;
  /**
   * The product's own peer (the dev mail catcher on loopback), not a tenant's relay: connected
   * directly. Every other transport connects through the egress guard.
   */
  own?: boolean;
}

/** Host, port and implicit TLS of an smtp(s):// relay URL (the port defaults to 587, or 465). */
export function relayEndpoint(url: string): { host: string; port: number; secure: boolean } {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return { host: u.hostname, port: Number(u.port) || (secure ? 465 : 587), secure };
}

function directSocket(host: string, port: number, secure: boolean): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = secure ? tls.connect({ host, port, servername: host }) : net.connect(port, host);
    socket.once('error', reject);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

// Never re-send on its own when a connection closes mid-message: the end of DATA may have reached
// the server, and the caller decides (at most once, see the worker's email-send.ts). The pool
// reads `maxRequeues` (default: re-queue forever); its typings do not list it.
const NO_REQUEUE = { maxRequeues: 0 } as object;

/** Caches pooled transports by identity; `close()` shuts every pool. */
export class TransportPool {
  private readonly transports = new Map<string, { spec: string; t: Transporter }>();

  /** `egress` checks every tenant relay at connect time (resolve, check, connect to that address). */
  constructor(private readonly egress: EgressGuard) {}

  /** The pooled transport for `id`, rebuilt when its URL or pool size changed. */
  get(id: string, spec: TransportSpec): Transporter {
    const key = `${spec.url}#${spec.poolSize}#${spec.own ? 'own' : 'guarded'}`;
    const cached = this.transports.get(id);
    if (cached && cached.spec === key) return cached.t;
    cached?.t.close();
    const u = new URL(spec.url);
    const { host, port, secure } = relayEndpoint(spec.url);
    const t = nodemailer.createTransport({
      // Our own socket: to connect only where the egress guard allows (checked on every connect,
      // so DNS rebinding after the save gets nowhere), and to turn Nagle off: SMTP is a chatty
      // request/answer protocol, and with Nagle on, the end-of-data line waits for the peer's
      // delayed ACK (about 40 ms a message on Linux), capping a connection at ~20 messages/s.
      // STARTTLS still upgrades this socket.
      getSocket: (_opts, cb) => {
        const opened = spec.own
          ? directSocket(host, port, secure)
          : this.egress.connect({ host, port, tls: secure });
        opened.then(
          (socket) => {
            socket.setNoDelay(true);
            cb(null, { connection: socket, secured: secure });
          },
          // Nothing reached the server: marked so the sender defers (or fails) without ambiguity.
          (err: Error & { command?: string }) =>
            cb(Object.assign(err, { command: 'CONN' }), undefined),
        );
      },
      pool: true,
      maxConnections: Math.max(1, spec.poolSize),
      maxMessages: 1000,
      ...NO_REQUEUE,
      host,
      port,
      secure,
      auth: u.username
        ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
        : undefined,
      // Loopback peers (catcher, smtp-sink) offer no TLS; real relays negotiate STARTTLS.
      ignoreTLS: u.searchParams.get('tls') === 'off',
      requireTLS: u.searchParams.get('tls') === 'require',
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    this.transports.set(id, { spec: key, t });
    return t;
  }

  /** Closes every pooled connection. */
  close(): void {
    for (const { t } of this.transports.values()) t.close();
    this.transports.clear();
  }
}

/**
 * Compiles nodemailer options into the finished, DKIM-signed message (raw + envelope), so that a
 * pooled connection only writes one buffer. Left to the transport, the MIME tree is streamed into
 * the socket in dozens of small writes while the connection waits, and every other job's work in
 * the process delays that connection's next SMTP command; built beforehand, it costs the same CPU
 * but none of it sits between a connection's commands.
 */
export async function precompileMessage(options: SendMailOptions): Promise<SendMailOptions> {
  const { dkim, envelope, messageId } = options;
  // baseBoundary is a MailComposer option the typings do not list.
  const composed: SendMailOptions & { baseBoundary?: string } = { ...options };
  delete composed.dkim;
  // MIME boundaries from the (unique) Message-ID instead of three random draws per message: the
  // draws were ~5% of the send path's CPU, and a boundary only has to be absent from the parts.
  if (!composed.baseBoundary && typeof messageId === 'string')
    composed.baseBoundary = messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40) || undefined;
  let raw = await new Promise<Buffer>((resolve, reject) =>
    new MailComposer(composed).compile().build((err, out) => (err ? reject(err) : resolve(out))),
  );
  if (dkim) {
    const signed = new DKIM(dkim).sign(raw);
    const chunks: Buffer[] = [];
    raw = await new Promise<Buffer>((resolve, reject) => {
      signed.on('data', (c: Buffer) => chunks.push(c));
      signed.once('end', () => resolve(Buffer.concat(chunks)));
      signed.once('error', reject);
    });
  }
  // The transport wraps `raw` in a MIME node of its own: the same boundary saves its random draw.
  return { envelope, messageId, raw, baseBoundary: composed.baseBoundary } as SendMailOptions;
}
