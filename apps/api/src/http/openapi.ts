import { z } from 'zod';
import {
  API_KEY_SCOPES,
  PERMISSIONS,
  SCOPES,
  WEBHOOK_EVENT_TYPES,
  webhookPayloadSchema,
  webhookTestPayloadSchema,
} from '@kindling/shared';
import { HTML_PAGE, routePermission, type AnyRoute, type ResponseDecl } from './route.js';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), issue: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const js: Record<string, unknown> = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  delete js.$schema;
  return js;
}

const SIGNATURE_HEADERS = {
  'webhook-id': 'The message id: the same on every attempt and replay (deduplicate by it)',
  'webhook-timestamp': 'Unix seconds when this attempt was signed',
  'webhook-signature':
    'Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per active secret (two during a rotation)',
};

/**
 * The OpenAPI 3.1 `webhooks` section: one POST per event type, its body the payload schema the
 * worker's events are built to (packages/shared webhooks.ts), signed per Standard Webhooks.
 */
function webhooksSection(): Record<string, unknown> {
  const entry = (type: string, schema: z.ZodType) => ({
    post: {
      summary: `${type} (payload version 1)`,
      description:
        'Signed per the Standard Webhooks specification with the endpoint secret (`whsec_…`); verify with any Standard Webhooks library. Answer 2xx within 10 s; anything else is retried with exponential back-off for about 27 hours.',
      parameters: Object.entries(SIGNATURE_HEADERS).map(([name, description]) => ({
        name,
        in: 'header',
        required: true,
        description,
        schema: { type: 'string' },
      })),
      requestBody: {
        required: true,
        content: { 'application/json': { schema: jsonSchema(schema, 'output') } },
      },
      responses: { '200': { description: 'Received (any 2xx)' } },
    },
  });
  const entries: [string, unknown][] = [
    ...WEBHOOK_EVENT_TYPES.map((t): [string, unknown] => [t, entry(t, webhookPayloadSchema(t))]),
    ['webhook.test', entry('webhook.test', webhookTestPayloadSchema)],
  ];
  return Object.fromEntries(entries);
}

/** Builds the OpenAPI 3 document from the same route declarations the server runs. */
export function buildOpenApi(routes: AnyRoute[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema as z.ZodType, 'input') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: s,
        });
      }
    }
    const response = r.response as ResponseDecl;
    const status = String(r.status ?? (response ? 200 : 204));
    const security =
      r.auth === 'public'
        ? []
        : r.auth === 'session'
          ? [{ session: [] }]
          : [{ session: [] }, { apiKey: [] }];
    // OpenAPI 3.0 lists scopes only for OAuth schemes, so the role and API-key scope each route
    // needs go in the description and an extension the same table fills.
    const permission = routePermission(r);
    const need = permission ? PERMISSIONS[permission] : null;
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      ...(need && permission
        ? {
            description:
              `Needs the ${need.role} role or higher` +
              (r.auth === 'any'
                ? `; an API key needs the ${need.scope} scope (or admin).`
                : '; API keys cannot call it.'),
            'x-kindling-permission': { name: permission, role: need.role, scope: need.scope },
          }
        : {}),
      tags: [r.tag],
      security,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(r.body as z.ZodType, 'input') } },
            },
          }
        : {}),
      responses: {
        [status]:
          response === HTML_PAGE
            ? {
                description: 'An HTML page',
                content: { 'text/html': { schema: { type: 'string' } } },
              }
            : response
              ? {
                  description: 'Success',
                  content: { 'application/json': { schema: jsonSchema(response, 'output') } },
                }
              : { description: 'Success' },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kindling API', version: info.version },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'kl_session' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key from Settings → API keys. Each key has scopes chosen at creation and acts ' +
            "with at most its creator's current role. Scopes: " +
            API_KEY_SCOPES.map((k) => `${k} (${SCOPES[k].label})`).join('; ') +
            '.',
        },
      },
    },
    paths,
    webhooks: webhooksSection(),
  };
}
