import type { Db } from '@kindling/db';
import type { EgressOptions } from '@kindling/egress';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Pool } from 'pg';

/** Everything createApp needs; main.ts and tests build it. */
export interface AppDeps {
  db: Db;
  redis: Redis;
  logger: Logger;
  /** Plain node-postgres pool for streaming (CSV export via COPY, import staging). */
  pgPool: Pool;
  config: {
    publicUrl: string;
    trackingUrl: string;
    /** Directory of the built web app to serve, if any. */
    webDist?: string;
    /** Directory holding embed.js, if any. */
    widgetDist?: string;
    trustProxy: number;
    /** APP_SECRET: signs confirmation links and other tokens. */
    appSecret: string;
    /** BullMQ key prefix for jobs the api enqueues (default QUEUE_PREFIX, the worker's too). */
    queuePrefix?: string;
    /** REPUTATION_MIN_SAMPLE (the worker's guard reads the same variable); default from packages/queue. */
    reputationMinSample?: number;
    /** Public form submissions allowed per minute, per client IP and per form. */
    formRateLimits?: { perIp: number; perForm: number };
    /** Redis stream accepted form submissions go to (the worker drains it); tests use their own. */
    submissionsStream?: string;
    version: string;
    /** Sending-domain DNS checks: resolver (DNS_RESOLVER), RETURN_PATH_DOMAIN, INBOUND_MX_HOST. */
    dns?: { servers?: string[]; returnPathDomain?: string; inboundMxHost?: string | null };
    /** Outgoing-connection guard for tenants' relays (EGRESS_ALLOW, the product's ports). */
    egress?: EgressOptions;
    /** METRICS_TOKEN: /metrics needs it as a bearer token; unset = metrics off. */
    metricsToken?: string;
    /** Fetches SNS signing certificates (tests inject a local one); SNS hosts only by default. */
    sesCertFetcher?: (url: string) => Promise<string>;
    /** Integration tests: answer 500 when a route's answer does not match its declared response. */
    checkResponses?: boolean;
  };
}
