// The workspace's overview (its home page). The route parses, authorises and calls one service.
import { overviewSchema } from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { getOverview } from '../services/overview/get-overview.js';

export function overviewRoutes(deps: AppDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/overview',
      summary:
        'New leads, email rates (human), active campaigns, reputation and the getting-started checklist',
      tag: 'overview',
      auth: 'any',
      permission: 'read',
      response: overviewSchema,
      handler: ({ auth }) => getOverview(deps, auth.workspaceId),
    }),
  ];
}
