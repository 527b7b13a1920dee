// The HTTP server of the three mains, with the timeouts a public server needs: a client that
// sends its headers slowly, or declares more body than it sends, is answered 408 and
// disconnected instead of holding a connection (and whatever the handler holds) until it gives
// up. Node's own defaults allow a minute for headers and five for a request, checked every 30 s.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from '@kindling/shared';

export interface HttpTimeouts {
  /** Time to receive the request headers (Node answers 408). */
  headersMs: number;
  /** Time to receive the whole request, body included (Node answers 408); 0 = no limit. */
  requestMs: number;
  /**
   * How long a request's body may stall (no bytes received) before it is answered 408. Applies
   * only while the body is incomplete: a handler working on a complete request is never cut.
   */
  bodyIdleMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 10_000,
  requestMs: 60_000,
  bodyIdleMs: 15_000,
};

const TIMEOUT_BODY = JSON.stringify({
  error: { code: 'request_timeout', message: 'The request body was not received in time' },
} satisfies ErrorBody);

/** `http.createServer(handler)` with the timeouts above. */
export function createHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  timeouts: Partial<HttpTimeouts> = {},
): Server {
  const t = { ...DEFAULT_HTTP_TIMEOUTS, ...timeouts };
  const server = createServer(
    {
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      // How often Node checks the two limits above (30 s by default, longer than they are).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, t.headersMs / 4)),
    },
    handler,
  );
  server.keepAliveTimeout = Math.min(5_000, t.headersMs);
  const inFlight = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.set(req.socket, { req, res });
    res.once('finish', () => inFlight.delete(req.socket));
  });
  server.setTimeout(t.bodyIdleMs, (socket: Socket) => {
    const current = inFlight.get(socket);
    if (!current) {
      socket.destroy(); // idle between requests: nothing to answer
      return;
    }
    const { req, res } = current;
    if (req.complete) return; // the handler is working; not the client's fault
    if (res.headersSent) {
      socket.destroy();
      return;
    }
    res.writeHead(408, {
      connection: 'close',
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(TIMEOUT_BODY)),
    });
    res.end(TIMEOUT_BODY, () => socket.destroy());
  });
  return server;
}

export type MetricsAccess = 'ok' | 'off' | 'denied';

/** Answers of /metrics when it is not 'ok' (status and message), the same on every process. */
export const METRICS_REFUSED = {
  off: {
    status: 404,
    code: 'not_found',
    message: 'Metrics are off: set METRICS_TOKEN to serve them',
  },
  denied: {
    status: 401,
    code: 'unauthorized',
    message: 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>',
  },
} as const;

/**
 * Whether a /metrics request may be served: only with `Authorization: Bearer <token>`, compared
 * in constant time; without a configured token metrics are off, never public.
 */
export function metricsAccess(
  authorization: string | undefined,
  token: string | undefined,
): MetricsAccess {
  if (!token) return 'off';
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!m) return 'denied';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!.trim()), digest(token)) ? 'ok' : 'denied';
}
