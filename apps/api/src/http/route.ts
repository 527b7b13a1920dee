import type { Request, Response, RequestHandler, Router } from 'express';
import type { z } from 'zod';
import {
  PERMISSIONS,
  findUnstorableText,
  hasRole,
  roleCan,
  scopesCover,
  type Permission,
  type Role,
} from '@kindling/shared';
import { AppError, zodDetails } from './errors.js';

export { hasRole };

export type AuthMode = 'public' | 'session' | 'any';

/** Who is calling: a signed-in user (session cookie) or an API key, always within one workspace. */
export interface Auth {
  kind: 'session' | 'apiKey';
  workspaceId: string;
  /** The member's role; for an API key, its creator's current role (a key never exceeds it). */
  role: Role;
  /** An API key's scopes; null for a session. */
  scopes: readonly string[] | null;
  userId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A route answering with an HTML page it writes itself (`res.send`), documented as text/html. */
export const HTML_PAGE = 'text/html';

/** What a route answers: a JSON body described by a zod schema, an HTML page, or nothing (204). */
export type ResponseDecl = z.ZodType | typeof HTML_PAGE | undefined;

/**
 * Returned by a handler that answered through `res` itself (a redirect) instead of a JSON body;
 * allowed on any route.
 */
export const ANSWERED: unique symbol = Symbol('answered through res');
export type Answered = typeof ANSWERED;

/**
 * What a handler may return: the response schema's output for a JSON route, nothing for an HTML
 * page or a 204 route.
 */
export type Answer<R> = R extends z.ZodType ? z.output<R> | Answered : undefined | void | Answered;

export interface RouteContext<B, Q, P, A extends AuthMode> {
  req: Request;
  res: Response;
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  auth: A extends 'public' ? Auth | null : Auth;
}

export interface RouteDef<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  A extends AuthMode = AuthMode,
  R extends ResponseDecl = ResponseDecl,
> {
  method: Method;
  /** Express-style path ("/api/members/:id"). */
  path: string;
  summary: string;
  tag: string;
  auth: A;
  /** What the route does, in the role matrix (packages/shared permissions.ts). */
  permission?: Permission;
  /** A stricter permission some bodies need (a bulk delete on the bulk-action route). */
  bodyPermission?: (body: Out<B>) => Permission | undefined;
  /** Older shorthand: `role: 'admin'` means the `settings` permission. Prefer `permission`. */
  role?: Role;
  body?: B;
  query?: Q;
  params?: P;
  /**
   * The answer: a zod schema (the handler's return value is checked against it at compile time,
   * and in the integration tests at run time), HTML_PAGE, or nothing for a 204 route.
   */
  response?: R;
  status?: number;
  handler: (ctx: RouteContext<B, Q, P, A>) => Promise<Answer<R>>;
}

// Erased form stored in the route table.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any, AuthMode, any>;

/** Declares a route; the same declaration drives validation, auth and the OpenAPI document. */
export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  A extends AuthMode = AuthMode,
  R extends ResponseDecl = undefined,
>(def: RouteDef<B, Q, P, A, R>): AnyRoute {
  return def as AnyRoute;
}

/** The route's key in lists and messages: "get /api/members/:id". */
export function routeKey(route: Pick<AnyRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * The permission a route requires, or null for a public one. Undeclared reads need `read`;
 * undeclared writes fail closed to `settings` (admin role, admin scope).
 */
export function routePermission(route: AnyRoute): Permission | null {
  if (route.auth === 'public') return null;
  if (route.permission) return route.permission;
  if (route.role && hasRole(route.role, 'admin')) return 'settings';
  return route.method === 'get' ? 'read' : 'settings';
}

/** Refuses (403) a caller whose role, or API key scopes, do not cover `permission`. */
export function authorize(auth: Auth, permission: Permission): void {
  const need = PERMISSIONS[permission];
  if (!roleCan(auth.role, permission)) {
    throw new AppError(
      'forbidden',
      auth.kind === 'apiKey'
        ? `This needs the ${need.role} role or higher, and this API key's creator is ${auth.role}`
        : `This needs the ${need.role} role or higher`,
    );
  }
  if (auth.scopes && !scopesCover(auth.scopes, permission)) {
    throw new AppError('forbidden', `This API key lacks the ${need.scope} scope`);
  }
}

/** 422 naming the first field whose text PostgreSQL cannot store (packages/shared storable-text). */
export function assertStorable(value: unknown): void {
  const bad = findUnstorableText(value);
  if (bad)
    throw new AppError('validation_failed', 'Some fields are invalid', [
      { field: bad.field, issue: bad.issue },
    ]);
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  // Before the schema: no route ever sees (or stores) text that Postgres would refuse.
  if (where === 'params' && findUnstorableText(value))
    throw new AppError('not_found', 'Resource not found');
  assertStorable(value);
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  // A malformed path id is a resource that does not exist, not a client mistake worth 422.
  if (where === 'params') throw new AppError('not_found', 'Resource not found');
  throw new AppError(
    where === 'query' ? 'bad_request' : 'validation_failed',
    where === 'query' ? 'Invalid query parameters' : 'Some fields are invalid',
    zodDetails(result.error),
  );
}

/**
 * In the integration tests (config.checkResponses): an answer that does not match what its route
 * declares is a 500 naming the route and the mismatch, so every test that calls a route also
 * checks its documented response.
 */
function checkAnswer(route: AnyRoute, result: unknown): void {
  const key = routeKey(route);
  const declared = route.response as ResponseDecl;
  if (declared === HTML_PAGE) throw new Error(`${key} declares an HTML page but wrote none`);
  if (declared === undefined) {
    if (result !== undefined)
      throw new Error(`${key} declares no response (204) but answered a body`);
    return;
  }
  if (result === undefined) throw new Error(`${key} declares a response but answered none`);
  const parsed = declared.safeParse(JSON.parse(JSON.stringify(result)));
  if (!parsed.success)
    throw new Error(
      `${key} answered outside its response schema: ${JSON.stringify(zodDetails(parsed.error))}`,
    );
}

/** Mounts route declarations on a router, with the given authenticator in front. */
export function mountRoutes(
  router: Router,
  routes: AnyRoute[],
  authenticate: (mode: AuthMode) => RequestHandler,
  options: { checkResponses?: boolean } = {},
): void {
  for (const route of routes) {
    const handler: RequestHandler = async (req, res) => {
      const auth = req.auth ?? null;
      if (route.auth !== 'public' && !auth) throw new AppError('unauthorized', 'Sign in first');
      const permission = routePermission(route);
      if (permission && auth) authorize(auth, permission);
      const ctx = {
        req,
        res,
        auth,
        params: parsePart(route.params as z.ZodType | undefined, req.params, 'params'),
        query: parsePart(route.query as z.ZodType | undefined, req.query, 'query'),
        body: parsePart(route.body as z.ZodType | undefined, req.body, 'body'),
      };
      const stricter = auth && route.bodyPermission?.(ctx.body);
      if (auth && stricter) authorize(auth, stricter);
      const result: unknown = await route.handler(ctx);
      if (res.headersSent || result === ANSWERED) return;
      if (options.checkResponses) checkAnswer(route, result);
      const status = route.status ?? (result === undefined ? 204 : 200);
      if (result === undefined) res.status(status).end();
      else res.status(status).json(result);
    };
    router[route.method](route.path, authenticate(route.auth), handler);
  }
}
