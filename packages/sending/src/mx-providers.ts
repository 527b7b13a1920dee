// The mailbox provider of a recipient from its domain's MX, for the throttle's per-provider caps
// and back-off: a company domain on Google Workspace is `gmail`, one on Microsoft 365 `microsoft`.
// The send path never waits for DNS: `providerOf` answers from memory at once (the fixed list of
// consumer domains, else what this process has learned, else `other`) and starts a fill in the
// background: the MailDomainProvider row (shared by every process) if it is fresh, else one MX
// lookup written there with its TTL. So the first messages to a new domain count as `other` and
// the rest as the provider, and a failing or slow resolver only leaves domains `other` a bit longer.
import type { Db } from '@kindling/db';
import { domainOf, knownProviderOf, providerOfMx, PROVIDERS, type Provider } from './providers.js';
import { isNoRecord, type DnsResolver } from './dns/resolver.js';

export interface MxProviderOptions {
  /** How long a looked-up answer is kept (Postgres and memory). */
  ttlMs: number;
  /** After a failed lookup (timeout, SERVFAIL, database down): when to try again. */
  retryMs: number;
  /** Domains kept in memory at most; past that the memory starts over (default 50,000). */
  max?: number;
  /** Lookups in flight at most; more domains wait for a later message (default 32). */
  maxInFlight?: number;
  now?: () => number;
  onError?: (err: unknown, domain: string) => void;
}

const asProvider = (p: string): Provider =>
  (PROVIDERS as readonly string[]).includes(p) ? (p as Provider) : 'other';

export class MxProviders {
  private readonly known = new Map<string, { provider: Provider; until: number }>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly resolver: Pick<DnsResolver, 'resolveMx'>,
    private readonly o: MxProviderOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** The provider of `email`'s domain, without waiting; may start a background fill. */
  providerOf(email: string): Provider {
    const domain = domainOf(email);
    const fixed = knownProviderOf(domain);
    if (fixed) return fixed;
    const hit = this.known.get(domain);
    if (hit && hit.until > this.now()) return hit.provider;
    void this.fill(domain);
    // A stale answer is still the best guess while it is refreshed.
    return hit?.provider ?? 'other';
  }

  /** Learns `domain`'s provider (from Postgres, else DNS); never rejects; one fill per domain. */
  fill(domain: string): Promise<void> {
    const running = this.inFlight.get(domain);
    if (running) return running;
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) || domain.length > 253)
      return Promise.resolve();
    if (this.closed || this.inFlight.size >= (this.o.maxInFlight ?? 32)) return Promise.resolve();
    const p = this.load(domain)
      .catch((err: unknown) => {
        this.o.onError?.(err, domain);
        this.remember(domain, this.known.get(domain)?.provider ?? 'other', this.o.retryMs);
      })
      .finally(() => this.inFlight.delete(domain));
    this.inFlight.set(domain, p);
    return p;
  }

  /** Waits for the fills in flight (tests; shutdown after `close`). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all(this.inFlight.values());
  }

  /** Starts no more fills and waits for those in flight. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
  }

  private remember(domain: string, provider: Provider, forMs: number): void {
    if (this.known.size >= (this.o.max ?? 50_000)) this.known.clear();
    this.known.set(domain, { provider, until: this.now() + forMs });
  }

  private async load(domain: string): Promise<void> {
    const row = await this.db.mailDomainProvider.findUnique({ where: { domain } });
    const now = this.now();
    if (row && row.expiresAt.getTime() > now) {
      this.remember(domain, asProvider(row.provider), row.expiresAt.getTime() - now);
      return;
    }
    let hosts: string[];
    try {
      const mx = await this.resolver.resolveMx(domain);
      hosts = mx.sort((a, b) => a.priority - b.priority).map((m) => m.exchange.toLowerCase());
    } catch (err) {
      if (!isNoRecord(err)) throw err;
      hosts = []; // no MX (or no such domain): an answer, kept like any other
    }
    const provider = providerOfMx(hosts);
    const data = {
      provider,
      mxHosts: hosts.slice(0, 20),
      checkedAt: new Date(now),
      expiresAt: new Date(now + this.o.ttlMs),
    };
    // This process uses the answer at once; the row lets the other processes skip the lookup.
    this.remember(domain, provider, this.o.ttlMs);
    await this.db.mailDomainProvider.upsert({
      where: { domain },
      create: { domain, ...data },
      update: data,
    });
  }
}
