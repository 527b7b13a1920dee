// The api's node:http request handler: the public form submission fast path first (plain
// node:http, see public/fast-path.ts), everything else through the express app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { AppDeps } from './deps.js';
import { createApp } from './app.js';
import { submissionFastPath } from './public/fast-path.js';

export type HttpHandler = ((req: IncomingMessage, res: ServerResponse) => void) & { app: Express };

/** What main.ts and the test helpers listen with: `http.createServer(createHttpHandler(deps))`. */
export function createHttpHandler(deps: AppDeps): HttpHandler {
  const app = createApp(deps);
  const fast = submissionFastPath(deps);
  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    if (!fast(req, res)) app(req, res);
  }) as HttpHandler;
  handler.app = app;
  return handler;
}
