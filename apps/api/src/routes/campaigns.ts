// Campaign routes: CRUD of the builder document, lifecycle (draft → active → paused → archived),
// enrollment through the one service, preview, test sends and per-step statistics. Each route
// parses, authorises (its permission) and calls one service of services/campaigns/; every
// service is scoped to auth.workspaceId, so another workspace's campaign answers 404.
import {
  campaignInputSchema,
  campaignListQuerySchema,
  campaignListSchema,
  campaignOptionsSchema,
  campaignPreviewSchema,
  campaignStatsSchema,
  campaignViewSchema,
  campaignWithProblemsSchema,
  enrollLeadsSchema,
  enrollResultSchema,
  enrollmentActionSchema,
  enrollmentListSchema,
  idParamSchema,
  stepPreviewRequestSchema,
  testSendResultSchema,
} from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { activateCampaign } from '../services/campaigns/activate-campaign.js';
import { archiveCampaign } from '../services/campaigns/archive-campaign.js';
import { campaignOptions } from '../services/campaigns/campaign-options.js';
import { campaignStats } from '../services/campaigns/campaign-stats.js';
import { createCampaign } from '../services/campaigns/create-campaign.js';
import { deleteCampaign } from '../services/campaigns/delete-campaign.js';
import { enrollLeads } from '../services/campaigns/enroll-leads.js';
import { getCampaign } from '../services/campaigns/get-campaign.js';
import { listCampaigns } from '../services/campaigns/list-campaigns.js';
import { listEnrollments } from '../services/campaigns/list-enrollments.js';
import { pauseCampaign } from '../services/campaigns/pause-campaign.js';
import { pauseEnrollment } from '../services/campaigns/pause-enrollment.js';
import { previewStep } from '../services/campaigns/preview-step.js';
import { resumeCampaign } from '../services/campaigns/resume-campaign.js';
import { resumeEnrollment } from '../services/campaigns/resume-enrollment.js';
import { saveCampaign } from '../services/campaigns/save-campaign.js';
import { sendTest } from '../services/campaigns/send-test.js';

/** Campaign routes. */
export function campaignRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/campaigns',
      summary: 'List campaigns with enrollment counts',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      query: campaignListQuerySchema,
      response: campaignListSchema,
      handler: ({ auth, query }) => listCampaigns(db, auth.workspaceId, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/options',
      summary: 'Forms, sending identities and merge tags a campaign may use',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      response: campaignOptionsSchema,
      handler: ({ auth }) => campaignOptions(db, auth.workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns',
      summary: 'Create a draft campaign',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      status: 201,
      body: campaignInputSchema,
      response: campaignViewSchema,
      handler: ({ auth, body }) => createCampaign(db, auth.workspaceId, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id',
      summary: 'A campaign, its activation problems and statistics',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: campaignWithProblemsSchema,
      handler: ({ auth, params }) => getCampaign(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/campaigns/:id',
      summary: 'Save the whole campaign (steps keep their ids)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      body: campaignInputSchema,
      response: campaignWithProblemsSchema,
      handler: ({ auth, params, body }) => saveCampaign(db, auth.workspaceId, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/campaigns/:id',
      summary: 'Delete a draft that never ran (others are archived instead)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      status: 204,
      handler: ({ auth, params }) => deleteCampaign(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/activate',
      summary: 'Validate the whole campaign and make it active (every problem is listed)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: ({ auth, params }) => activateCampaign(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/pause',
      summary: 'Pause an active campaign (nothing is sent until resumed)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: ({ auth, params }) => pauseCampaign(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/resume',
      summary: 'Resume a paused campaign; steps that fell due run at the next sweep',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: ({ auth, params }) => resumeCampaign(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/archive',
      summary: 'Archive a campaign: live enrollments exit, nothing more is sent',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: ({ auth, params }) => archiveCampaign(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/enrollments',
      summary: 'Enroll leads by id or email (manual, API and bulk selections use this)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      body: enrollLeadsSchema,
      response: enrollResultSchema,
      handler: ({ auth, params, body }) =>
        enrollLeads(
          db,
          auth.workspaceId,
          params.id,
          body,
          auth.kind === 'apiKey' ? 'api' : 'manual',
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id/enrollments',
      summary: 'The latest enrollments of a campaign',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: enrollmentListSchema,
      handler: ({ auth, params }) => listEnrollments(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/enrollments/:id/pause',
      summary: 'Pause one enrollment',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      response: enrollmentActionSchema,
      handler: ({ auth, params }) => pauseEnrollment(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/enrollments/:id/resume',
      summary: 'Resume one paused enrollment where it stopped',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: enrollmentActionSchema,
      handler: ({ auth, params }) => resumeEnrollment(db, auth.workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/preview',
      summary: "Render an email step with a real lead's data (the latest lead by default)",
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      body: stepPreviewRequestSchema,
      response: campaignPreviewSchema,
      handler: ({ auth, params, body }) => previewStep(db, auth.workspaceId, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/test-send',
      summary: 'Send a test of an email step to yourself',
      tag: 'campaigns',
      auth: 'session',
      permission: 'campaigns:write',
      params: idParamSchema,
      body: stepPreviewRequestSchema,
      response: testSendResultSchema,
      handler: ({ auth, params, body }) =>
        sendTest(deps, auth.workspaceId, auth.userId!, params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id/stats',
      summary:
        'Per-step statistics: waiting, sent, human opens and clicks, unsubscribes, bounces, exits',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: campaignStatsSchema,
      handler: ({ auth, params }) => campaignStats(db, auth.workspaceId, params.id),
    }),
  ];
}
