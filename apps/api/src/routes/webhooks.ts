// Outgoing webhooks: endpoints (create with a secret shown once, edit, turn on/off, delete,
// rotate the secret with an overlap, send a test event), the delivery log with filters, one
// delivery with its attempts, and replay of one delivery or of an endpoint's time range.
// Managing endpoints is a workspace setting (admin); reading the log needs `read`.
import { z } from 'zod';
import {
  idParamSchema,
  replayWebhooksSchema,
  saveWebhookEndpointSchema,
  updateWebhookEndpointSchema,
  webhookDeliveryDetailSchema,
  webhookDeliveryFiltersSchema,
  webhookDeliveryListSchema,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
  webhookReplayResultSchema,
} from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { deleteEndpoint, listEndpoints } from '../services/webhooks/list-endpoints.js';
import { loadEndpoint, endpointView } from '../services/webhooks/endpoint-view.js';
import { createEndpoint, updateEndpoint } from '../services/webhooks/save-endpoint.js';
import { rotateEndpointSecret } from '../services/webhooks/rotate-secret.js';
import { sendTestEvent } from '../services/webhooks/send-test-event.js';
import { deliveryDetail, listDeliveries } from '../services/webhooks/list-deliveries.js';
import { replayDelivery, replayRange } from '../services/webhooks/replay-deliveries.js';

export function webhookRoutes(deps: AppDeps): AnyRoute[] {
  const base = { tag: 'webhooks', auth: 'any' as const };
  return [
    defineRoute({
      ...base,
      method: 'get',
      path: '/api/webhooks/endpoints',
      summary: 'Webhook endpoints of the workspace',
      permission: 'read',
      response: z.array(webhookEndpointSchema),
      handler: ({ auth }) => listEndpoints(deps, auth.workspaceId),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/api/webhooks/endpoints',
      summary: 'Add a webhook endpoint (its signing secret is shown once)',
      permission: 'settings',
      body: saveWebhookEndpointSchema,
      response: webhookEndpointWithSecretSchema,
      status: 201,
      handler: ({ auth, body }) => createEndpoint(deps, auth.workspaceId, body),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/api/webhooks/endpoints/:id',
      summary: 'One webhook endpoint',
      permission: 'read',
      params: idParamSchema,
      response: webhookEndpointSchema,
      handler: async ({ auth, params }) =>
        endpointView(await loadEndpoint(deps, auth.workspaceId, params.id)),
    }),
    defineRoute({
      ...base,
      method: 'patch',
      path: '/api/webhooks/endpoints/:id',
      summary: 'Edit a webhook endpoint; turning it on again sends its pending deliveries',
      permission: 'settings',
      params: idParamSchema,
      body: updateWebhookEndpointSchema,
      response: webhookEndpointSchema,
      handler: ({ auth, params, body }) => updateEndpoint(deps, auth.workspaceId, params.id, body),
    }),
    defineRoute({
      ...base,
      method: 'delete',
      path: '/api/webhooks/endpoints/:id',
      summary: 'Delete a webhook endpoint and its delivery log',
      permission: 'settings',
      params: idParamSchema,
      status: 204,
      handler: ({ auth, params }) => deleteEndpoint(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/api/webhooks/endpoints/:id/rotate-secret',
      summary:
        'New signing secret (shown once); the previous one keeps signing for 24 hours beside it',
      permission: 'settings',
      params: idParamSchema,
      response: webhookEndpointWithSecretSchema,
      handler: ({ auth, params }) => rotateEndpointSecret(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/api/webhooks/endpoints/:id/test',
      summary: 'Send a signed webhook.test event to this endpoint',
      permission: 'settings',
      params: idParamSchema,
      response: z.object({ deliveryId: z.uuid() }),
      status: 202,
      handler: ({ auth, params }) => sendTestEvent(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/api/webhooks/deliveries',
      summary: 'The delivery log, newest first: by endpoint, status, event type, time range',
      permission: 'read',
      query: webhookDeliveryFiltersSchema,
      response: webhookDeliveryListSchema,
      handler: ({ auth, query }) => listDeliveries(deps, auth.workspaceId, query),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/api/webhooks/deliveries/:id',
      summary: 'One delivery: its payload and every attempt (status, latency, response excerpt)',
      permission: 'read',
      params: idParamSchema,
      response: webhookDeliveryDetailSchema,
      handler: ({ auth, params }) => deliveryDetail(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/api/webhooks/deliveries/:id/replay',
      summary: 'Send one finished delivery again (same webhook-id and payload)',
      permission: 'settings',
      params: idParamSchema,
      response: webhookReplayResultSchema,
      status: 202,
      handler: ({ auth, params }) => replayDelivery(deps, auth.workspaceId, params.id),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/api/webhooks/replay',
      summary: 'Send again every finished delivery of an endpoint in a time range',
      permission: 'settings',
      body: replayWebhooksSchema,
      response: webhookReplayResultSchema,
      status: 202,
      handler: ({ auth, body }) => replayRange(deps, auth.workspaceId, body),
    }),
  ];
}
