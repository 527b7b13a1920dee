import type { Request, Response, RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { findUnstorableText, type Role } from '@kindling/shared';
import { AppError, zodDetails } from './errors.js';

export type AuthMode = 'public' | 'session' | 'any';

/** Who is calling: a signed-in user (session cookie) or an API key, always within one workspace. */
export interface Auth {
  kind: 'session' | 'apiKey';
  workspaceId: string;
  role: Role;
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
  /** Lowest role allowed; owner > admin > member. */
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

const ROLE_RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** True when `role` is at least `min`. */
export function hasRole(role: Role, min: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
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
      if (route.role && auth && !hasRole(auth.role, route.role)) {
        throw new AppError('forbidden', `This needs the ${route.role} role or higher`);
      }
      const ctx = {
        req,
        res,
        auth,
        params: parsePart(route.params as z.ZodType | undefined, req.params, 'params'),
        query: parsePart(route.query as z.ZodType | undefined, req.query, 'query'),
        body: parsePart(route.body as z.ZodType | undefined, req.body, 'body'),
      };
      const result = await route.handler(ctx);
      if (res.headersSent) return;
      const status = route.status ?? (result === undefined ? 204 : 200);
      if (result === undefined) res.status(status).end();
      else res.status(status).json(result);
    };
    router[route.method](route.path, authenticate(route.auth), handler);
  }
}
