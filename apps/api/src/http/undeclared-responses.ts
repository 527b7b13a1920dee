// Routes that do not declare their answer yet (neither a `response` schema nor `status: 204`).
// This list only shrinks: a route leaves it when its declaration gains `response` (or, for a
// route that answers nothing, `status: 204`); openapi.integration.test.ts fails for a route
// missing from both, and for an entry here that is declared already. Until then such a route's
// handler may return anything (route.ts `Answer`).
export const UNDECLARED_RESPONSES = [
  'get /api/campaigns',
  'get /api/campaigns/options',
  'post /api/campaigns',
  'get /api/campaigns/:id',
  'put /api/campaigns/:id',
  'delete /api/campaigns/:id',
  'post /api/campaigns/:id/activate',
  'post /api/campaigns/:id/pause',
  'post /api/campaigns/:id/resume',
  'post /api/campaigns/:id/archive',
  'post /api/campaigns/:id/enrollments',
  'get /api/campaigns/:id/enrollments',
  'post /api/enrollments/:id/pause',
  'post /api/enrollments/:id/resume',
  'post /api/campaigns/:id/preview',
  'post /api/campaigns/:id/test-send',
  'get /api/campaigns/:id/stats',
  'get /api/leads/facets',
  'post /api/leads/bulk',
  'post /api/leads/count',
  'get /api/leads/:id',
  'get /api/leads/:id/timeline',
  'get /api/leads/:id/data.json',
  'patch /api/leads/:id',
  'delete /api/leads/:id',
] as const;

export type UndeclaredResponse = (typeof UNDECLARED_RESPONSES)[number];
