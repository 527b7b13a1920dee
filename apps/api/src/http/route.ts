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
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
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
  /** Documented answer; 204 routes have none. */
  response?: z.ZodType;
  status?: number;
  handler: (ctx: RouteContext<B, Q, P, A>) => Promise<unknown>;
}

// Erased form stored in the route table.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any, AuthMode>;

/** Declares a route; the same declaration drives validation, auth and the OpenAPI document. */
export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  A extends AuthMode = AuthMode,
>(def: RouteDef<B, Q, P, A>): AnyRoute {
  return def;
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

/** Mounts route declarations on a router, with the given authenticator in front. */
export function mountRoutes(
  router: Router,
  routes: AnyRoute[],
  authenticate: (mode: AuthMode) => RequestHandler,
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
      const result = await route.handler(ctx);
      if (res.headersSent) return;
      const status = route.status ?? (result === undefined ? 204 : 200);
      if (result === undefined) res.status(status).end();
      else res.status(status).json(result);
    };
    router[route.method](route.path, authenticate(route.auth), handler);
  }
}
