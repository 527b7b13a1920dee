// One pooled nodemailer transport per identity (and one for the dev mail catcher), reused
// across jobs so each message does not pay a TCP + EHLO (+ TLS + AUTH) handshake.
import nodemailer, { type Transporter } from 'nodemailer';

export interface TransportSpec {
  /** smtp(s)://user:pass@host:port */
  url: string;
  poolSize: number;
}

/** Caches pooled transports by identity; `close()` shuts every pool. */
export class TransportPool {
  private readonly transports = new Map<string, { spec: string; t: Transporter }>();

  /** The pooled transport for `id`, rebuilt when its URL or pool size changed. */
  get(id: string, spec: TransportSpec): Transporter {
    const key = `${spec.url}#${spec.poolSize}`;
    const cached = this.transports.get(id);
    if (cached && cached.spec === key) return cached.t;
    cached?.t.close();
    const u = new URL(spec.url);
    const t = nodemailer.createTransport({
      pool: true,
      maxConnections: Math.max(1, spec.poolSize),
      maxMessages: 1000,
      host: u.hostname,
      port: Number(u.port) || (u.protocol === 'smtps:' ? 465 : 587),
      secure: u.protocol === 'smtps:',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
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
