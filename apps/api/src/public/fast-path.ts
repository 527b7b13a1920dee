// The hot path of every landing page, in front of express: a JSON `POST
// /api/public/forms/:publicId/submissions` is answered by plain node:http code (body limit,
// JSON parse, cached form, Origin check and CORS, rate limits, the shared validation, the XADD).
// Express costs about three quarters of node:http's throughput on its own; this route is the one
// that must absorb a landing page's traffic spike. Answers are the same as express's (status,
// headers, `{ error: { code, message, details?, requestId } }`); every other request, and
// urlencoded or compressed posts, go to express (publicRouter), which uses the same pieces.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ttlCache, type ErrorBody, type TtlCache } from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { isDbUnavailable } from '@kindling/db';
import { clientIp } from '@kindling/runtime';
import { AppError, dbUnavailable } from '../http/errors.js';
import { acceptSubmission, type LoadedForm } from './submit.js';

/** Largest accepted submission body in bytes (express's SUBMISSION_LIMIT '32kb'). */
export const SUBMISSION_LIMIT_BYTES = 32 * 1024;

const ROUTE = /^\/api\/public\/forms\/([A-Za-z0-9_-]{1,64})\/submissions\/?(?:\?.*)?$/;
const REQUEST_ID = /^[\w.-]{1,64}$/;

/** How long an edit, a disabled form or a deleted form takes to reach every api process. */
export const FORM_CACHE_TTL_MS = 5_000;
const formCaches = new WeakMap<AppDeps, TtlCache<LoadedForm | null>>();

/**
 * The form (with fields) by public id, from a 5 s in-process cache (FORM_CACHE_TTL_MS) shared by
 * both paths. While
 * the database cannot be reached, the last definition loaded stays in use, so submissions to a
 * form this process has served are still accepted into Redis.
 */
export function loadPublicForm(deps: AppDeps, publicId: string): Promise<LoadedForm | null> {
  let cache = formCaches.get(deps);
  if (!cache) {
    cache = ttlCache<LoadedForm | null>({
      ttlMs: FORM_CACHE_TTL_MS,
      keepOnError: isDbUnavailable,
    });
    formCaches.set(deps, cache);
  }
  return cache.get(publicId, () =>
    deps.db.form.findUnique({ where: { publicId }, include: { fields: true } }),
  );
}

/** Origin check. An empty allow-list means any origin. */
export function originAllowed(
  form: Pick<LoadedForm, 'allowedOrigins'>,
  origin: string | undefined,
): boolean {
  if (!origin || form.allowedOrigins.length === 0) return true;
  return form.allowedOrigins.includes(origin);
}

/** CORS headers granted to an allowed origin (none without an Origin header). */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '600',
    // The widget's retry waits as long as a 503 or 429 asks.
    'Access-Control-Expose-Headers': 'Retry-After',
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  err: AppError,
  requestId: string,
  headers: Record<string, string>,
): void {
  const body: ErrorBody = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      requestId,
    },
  };
  send(res, err.status, body, { ...headers, ...err.headers });
}

/** Reads the body up to `limit` bytes; null when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () =>
      resolve(size > limit ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/**
 * The fast submission handler: returns false (and touches nothing) for requests it does not
 * serve, so the caller hands them to express.
 */
export function submissionFastPath(
  deps: AppDeps,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const match = ROUTE.exec(req.url ?? '');
    if (!match) return false;
    const type = req.headers['content-type'];
    if (!type || !/^application\/json\s*(;|$)/i.test(type)) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') return false;
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    void handle(deps, match[1]!, req, res, requestId).catch((err: unknown) => {
      // A visitor who went away mid-body is not an error of ours; nothing was accepted. (Not
      // req.destroyed: Node sets it as soon as the body has been read.)
      if (req.socket.destroyed) return;
      if (res.headersSent) return void res.destroy();
      // The form could not be loaded (not cached): 503 + Retry-After, readable by the widget.
      if (isDbUnavailable(err)) {
        deps.logger.warn({ err, requestId }, 'form submission: database unreachable');
        return sendError(res, dbUnavailable(), requestId, corsHeaders(req.headers.origin));
      }
      deps.logger.error({ err, requestId }, 'form submission failed');
      sendError(
        res,
        new AppError('internal', 'Something went wrong on our side; it has been logged'),
        requestId,
        {},
      );
    });
    return true;
  };
}

async function handle(
  deps: AppDeps,
  publicId: string,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const origin = req.headers.origin;
  const buf = await readBody(req, SUBMISSION_LIMIT_BYTES);
  // Body errors happen before any form is known: CORS for the origin, so the widget can read them.
  if (buf === null) {
    res.setHeader('Connection', 'close');
    sendError(
      res,
      new AppError('payload_too_large', 'Request body is too large'),
      requestId,
      corsHeaders(origin),
    );
    req.resume();
    return;
  }
  let body: unknown = {};
  const text = buf.toString('utf8');
  if (text.trim() !== '') {
    const first = text.trimStart()[0];
    try {
      if (first !== '{' && first !== '[') throw new Error('strict JSON: object or array only');
      body = JSON.parse(text);
    } catch {
      sendError(
        res,
        new AppError('bad_request', 'Request body could not be parsed'),
        requestId,
        corsHeaders(origin),
      );
      return;
    }
  }
  const form = await loadPublicForm(deps, publicId);
  if (!form || form.status !== 'enabled') {
    sendError(
      res,
      new AppError('not_found', 'This form does not exist or is not accepting submissions'),
      requestId,
      corsHeaders(origin),
    );
    return;
  }
  if (!originAllowed(form, origin)) {
    sendError(
      res,
      new AppError('forbidden', `This form does not accept submissions from ${origin}`),
      requestId,
      {},
    );
    return;
  }
  const cors = corsHeaders(origin);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendError(
      res,
      new AppError('bad_request', 'Send the form as JSON or application/x-www-form-urlencoded'),
      requestId,
      cors,
    );
    return;
  }
  try {
    const ua = req.headers['user-agent'];
    const referer = req.headers.referer;
    const result = await acceptSubmission(deps, form, body as Record<string, unknown>, {
      ip: clientIp(req, deps.config.trustProxy),
      userAgent: ua ?? null,
      refererHeader: referer ?? null,
    });
    send(res, 202, result, cors);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.status >= 500) deps.logger.error({ err, requestId }, err.message);
    sendError(res, err, requestId, cors);
  }
}
