import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { existsSync } from 'node:fs';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pingDb } from '@kindling/db';
import { pingRedis } from '@kindling/queue';
import { METRICS_REFUSED, clientIp, metricsAccess } from '@kindling/runtime';
import type { AppDeps } from './deps.js';
import { AppError, errorHandler } from './http/errors.js';
import { createMetrics, requestLogger } from './http/observability.js';
import { buildOpenApi } from './http/openapi.js';
import { mountRoutes, type AnyRoute } from './http/route.js';
import { createAuthenticator } from './auth/authenticate.js';
import { authRoutes } from './routes/auth.js';
import { workspaceRoutes } from './routes/workspace.js';
import { formRoutes } from './routes/forms.js';
import { publicRouter, publicRoutes } from './public/index.js';
import { leadRoutes, mountLeadsHttp } from './routes/leads.js';
import { campaignRoutes } from './routes/campaigns.js';
import { inboundReviewRoutes } from './routes/inbound-review.js';
import { sendingRoutes } from './routes/sending.js';
import { overviewRoutes } from './routes/overview.js';
import { sesWebhook } from './routes/ses-webhook.js';
import { webhookRoutes } from './routes/webhooks.js';
import { relayWebhooks } from './routes/relay-webhooks.js';

/** Every declared API route; the OpenAPI document is generated from this same list. */
export function allRoutes(deps: AppDeps): AnyRoute[] {
  return [
    ...authRoutes(deps),
    ...workspaceRoutes(deps),
    ...formRoutes(deps),
    ...publicRoutes(deps),
    ...leadRoutes(deps),
    ...campaignRoutes(deps),
    ...sendingRoutes(deps),
    ...inboundReviewRoutes(deps),
    ...webhookRoutes(deps),
    ...overviewRoutes(deps),
  ];
}

/** Builds the api's express app without listening (main.ts and tests listen). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  // req.ip by the one client-address rule (@kindling/runtime client-ip.ts), as on the fast path
  // and in the tracking app, instead of express's own (which keeps IPv4-mapped IPv6 addresses).
  Object.defineProperty(app.request, 'ip', {
    configurable: true,
    enumerable: true,
    get(this: IncomingMessage) {
      return clientIp(this, deps.config.trustProxy) ?? undefined;
    },
  });
  app.set('etag', false);

  const metrics = createMetrics(app, 'kindling_api_');
  app.use(requestLogger(deps.logger));
  app.use(metrics.middleware);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const [database, redis] = await Promise.allSettled([pingDb(deps.db), pingRedis(deps.redis)]);
    const checks = {
      postgres: database.status === 'fulfilled' ? 'ok' : 'unreachable',
      redis: redis.status === 'fulfilled' ? 'ok' : 'unreachable',
    };
    const ready = checks.postgres === 'ok' && checks.redis === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (req, res) => {
    const access = metricsAccess(req.get('authorization'), deps.config.metricsToken);
    if (access !== 'ok') {
      const { code, message } = METRICS_REFUSED[access];
      throw new AppError(code, message);
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // The embed script is loaded by landing pages on other origins.
  if (deps.config.widgetDist) {
    const embed = path.join(deps.config.widgetDist, 'embed.js');
    app.get('/embed.js', (_req, res, next) => {
      if (!existsSync(embed)) return next();
      res.set({
        'Cache-Control': 'public, max-age=300',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Access-Control-Allow-Origin': '*',
      });
      res.sendFile(embed);
    });
  }

  const https = deps.config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      // Over plain http (a local install) HSTS and upgrade-insecure-requests would break the app.
      strictTransportSecurity: https,
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'https:'],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': https ? [] : null,
        },
      },
    }),
  );
  // CSV export/upload stream their bodies, so they go before the JSON body parser.
  mountLeadsHttp(app, deps, createAuthenticator(deps.db));
  // Public form endpoints: their own body parsers (urlencoded, small limit) and no session.
  app.use(publicRouter(deps));
  // SES/SNS posts JSON as text/plain: its own parser, before the JSON one.
  app.post('/api/webhooks/ses', ...sesWebhook(deps, deps.config.sesCertFetcher));
  // Relay webhooks sign their exact bytes: a raw parser of their own, also before the JSON one.
  app.post('/api/webhooks/relays/:identityId', ...relayWebhooks(deps));
  app.use('/api', express.json({ limit: '256kb' }));

  const routes = allRoutes(deps);
  const openapi = buildOpenApi(routes, {
    version: deps.config.version,
    serverUrl: deps.config.publicUrl,
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  const router = express.Router();
  mountRoutes(router, routes, createAuthenticator(deps.db), {
    checkResponses: deps.config.checkResponses,
  });
  app.use(router);
  app.use('/api', (req) => {
    throw new AppError(
      'not_found',
      `No such endpoint: ${req.method} ${req.originalUrl.split('?')[0]}`,
    );
  });

  if (deps.config.webDist && existsSync(path.join(deps.config.webDist, 'index.html'))) {
    const webDist = deps.config.webDist;
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // Client-side routes: every other GET gets the SPA shell.
    app.get(/^(?!\/api\/).*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(path.join(webDist, 'index.html'));
    });
  }

  app.use(errorHandler);
  return app;
}
