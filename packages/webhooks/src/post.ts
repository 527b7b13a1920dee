// One webhook attempt over HTTP(S), through the outgoing-connection guard: the URL's host is
// resolved and every address checked at connect time (loopback and private ranges only when the
// operator allows them), and the socket goes to a checked address, so DNS rebinding gets nowhere.
// The whole attempt (connect, send, response) is bounded by a timeout, and only the first
// kilobyte of the answer is read.
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { EgressGuard } from '@kindling/egress';

export interface AttemptResult {
  /** The HTTP status, null when none came. */
  status: number | null;
  latencyMs: number;
  /** Why there was no usable answer (timeout, refused, guard), or null. */
  error: string | null;
  responseExcerpt: string | null;
}

const EXCERPT_BYTES = 1000;

/** POSTs `body` (JSON) to `url` with `headers`; never throws. 2xx is success. */
export async function postWebhook(
  guard: EgressGuard,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const started = performance.now();
  const done = (r: Omit<AttemptResult, 'latencyMs'>): AttemptResult => ({
    ...r,
    latencyMs: Math.round(performance.now() - started),
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return done({ status: null, error: 'invalid URL', responseExcerpt: null });
  }
  const secure = target.protocol === 'https:';
  const port = Number(target.port) || (secure ? 443 : 80);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = await guard.check(host, port);
  } catch (err) {
    return done({ status: null, error: (err as Error).message, responseExcerpt: null });
  }
  const address = addresses[0]!;
  const lookup: LookupFunction = (_name, options, cb) => {
    if ((options as { all?: boolean }).all)
      (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address, family: isIP(address) },
      ]);
    else cb(null, address, isIP(address));
  };
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<AttemptResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(r));
    };
    const req = (secure ? https : http).request(
      {
        protocol: target.protocol,
        host: isIP(host) ? host : undefined,
        hostname: host,
        port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        lookup,
        servername: isIP(host) ? undefined : host,
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Kindling-Webhooks/1',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(c);
          size += c.length;
          if (size >= EXCERPT_BYTES) {
            // Enough for the log: stop reading, the status is known.
            finishWith();
            res.destroy();
          }
        });
        const finishWith = () =>
          finish({
            status: res.statusCode ?? null,
            error: null,
            responseExcerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_BYTES) || null,
          });
        res.on('end', finishWith);
        res.on('error', finishWith);
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, error: `no answer within ${timeoutMs} ms`, responseExcerpt: null });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({ status: null, error: err.code ?? err.message, responseExcerpt: null }),
    );
    req.end(body);
  });
}
