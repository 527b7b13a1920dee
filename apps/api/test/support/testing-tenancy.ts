// Fixtures for the tenancy and role-matrix tests: a workspace with one member of every role and
// one API key per scope, and a second workspace holding one resource of every kind an id route
// can name.
import { randomUUID } from 'node:crypto';
import type { ApiKeyScope, Role } from '@kindling/shared';
import { API_KEY_SCOPES } from '@kindling/shared';
import { Client, signUp, uniqueEmail, type TestApi } from './testing.js';

/** Invites `email` with `role` into the owner's workspace and accepts it as a new account. */
export async function addMember(api: TestApi, owner: Client, role: Exclude<Role, 'owner'>) {
  const email = uniqueEmail(role);
  const invite = await owner.post('/api/invites', { email, role });
  if (invite.status !== 201)
    throw new Error(`invite: ${invite.status} ${JSON.stringify(invite.body)}`);
  const token = String(invite.body.url).split('/invite/')[1]!;
  const client = new Client(api.url);
  const joined = await client.post('/api/auth/accept-invite', {
    token,
    name: role,
    password: 'member password 1',
  });
  if (joined.status !== 200)
    throw new Error(`accept: ${joined.status} ${JSON.stringify(joined.body)}`);
  return { client, email, userId: joined.body.user.id as string };
}

/** An API key with `scopes`, made by `creator`, as a client that sends it. */
export async function keyClient(api: TestApi, creator: Client, scopes: ApiKeyScope[]) {
  const res = await creator.post('/api/api-keys', { name: scopes.join(' '), scopes });
  if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
  const client = new Client(api.url);
  client.bearer = res.body.key as string;
  return { client, id: res.body.id as string };
}

/** Workspace A: one signed-in client per role and one key per single scope (made by the owner). */
export async function roleWorkspace(api: TestApi) {
  const owner = await signUp(api, 'owner', 'Roles A');
  const roles: Record<Role, Client> = {
    owner: owner.client,
    admin: (await addMember(api, owner.client, 'admin')).client,
    member: (await addMember(api, owner.client, 'member')).client,
    viewer: (await addMember(api, owner.client, 'viewer')).client,
  };
  const keys = {} as Record<ApiKeyScope, Client>;
  for (const scope of API_KEY_SCOPES)
    keys[scope] = (await keyClient(api, owner.client, [scope])).client;
  return { owner, roles, keys };
}

const email = (subject: string) => ({
  type: 'email',
  config: { subject, preheader: '', html: '<p>Hi</p>', text: '' },
});

export const formBody = () => ({
  name: `Form ${randomUUID().slice(0, 6)}`,
  successMessage: 'Thanks',
  fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
});
export const campaignBody = () => ({ name: 'Iso', steps: [email('Hello')] });

/**
 * One resource of every kind in a fresh workspace: what each `:id` route names. `idFor` answers
 * the id a route's path takes, and throws for a route nobody taught it (so a new id route fails
 * the tenancy test until it is covered).
 */
export async function resourceWorkspace(api: TestApi, tag: string) {
  const db = api.deps.db;
  const owner = await signUp(api, tag, `Resources ${tag}`);
  const c = owner.client;
  const wsId = owner.me.workspace.id;
  const member = await addMember(api, c, 'member');
  const invite = await c.post('/api/invites', { email: uniqueEmail('pending'), role: 'member' });
  const key = await c.post('/api/api-keys', { name: 'k', scopes: ['read'] });
  const form = await c.post('/api/forms', formBody());
  const campaign = await c.post('/api/campaigns', campaignBody());
  const identity = await c.post('/api/sending/identities', {
    name: 'Main',
    fromName: 'Team',
    fromEmail: `team-${tag}@kindling.test`,
  });
  for (const r of [invite, key, form, campaign, identity]) {
    if (r.status !== 201) throw new Error(`fixture: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const lead = await db.lead.create({ data: { workspaceId: wsId, email: uniqueEmail('lead') } });
  const enrollment = await db.enrollment.create({
    data: { workspaceId: wsId, campaignId: campaign.body.id, leadId: lead.id, status: 'paused' },
  });
  const message = await db.message.create({
    data: {
      workspaceId: wsId,
      kind: 'test',
      toEmail: lead.email,
      subject: 'x',
      messageIdHeader: `<${randomUUID()}@kindling.test>`,
      status: 'sent',
    },
  });
  const caught = await db.caughtMessage.create({
    data: {
      workspaceId: wsId,
      messageId: message.id,
      envelopeFrom: 'team@kindling.test',
      envelopeTo: [lead.email],
      subject: 'x',
      raw: 'Subject: x\r\n\r\nx\r\n',
      size: 16,
    },
  });
  const upload = await c.request(
    'POST',
    '/api/leads/imports?fileName=a.csv',
    'email\na@example.test\n',
    {
      'content-type': 'text/csv',
      'x-kindling-upload': '1',
    },
  );
  if (upload.status !== 201)
    throw new Error(`upload: ${upload.status} ${JSON.stringify(upload.body)}`);
  const warmup = await db.warmupPlan.findFirstOrThrow({ where: { workspaceId: wsId } });
  const memberRow = await db.membership.findFirstOrThrow({
    where: { workspaceId: wsId, userId: member.userId },
  });
  // An inbound report held for review (it could not prove it was about our mail).
  const review = await db.inboundReview.create({
    data: {
      workspaceId: wsId,
      source: 'smtp',
      kind: 'arf',
      reason: 'no_token',
      envelopeTo: 'fbl@kindling.test',
      namedRecipients: ['someone@example.test'],
      excerpt: 'Feedback-Type: abuse',
    },
  });
  // A webhook endpoint with one delivery (rows as the outbox dispatcher writes them).
  const endpoint = await db.webhookEndpoint.create({
    data: {
      workspaceId: wsId,
      url: 'https://hooks.example.test/kindling',
      eventTypes: ['lead.created'],
      secretSealed: 'sealed',
    },
  });
  const event = await db.webhookEvent.create({
    data: { id: randomUUID(), workspaceId: wsId, type: 'lead.created', payload: {} },
  });
  const delivery = await db.webhookDelivery.create({
    data: { workspaceId: wsId, endpointId: endpoint.id, eventId: event.id, status: 'failed' },
  });
  const ids: [RegExp, string][] = [
    [/^\/api\/webhooks\/endpoints\/:id/, endpoint.id],
    [/^\/api\/webhooks\/deliveries\/:id/, delivery.id],
    [/^\/api\/sending\/inbound-reviews\/:id/, review.id],
    [/^\/api\/members\/:id/, memberRow.id],
    [/^\/api\/invites\/:id/, invite.body.id],
    [/^\/api\/api-keys\/:id/, key.body.id],
    [/^\/api\/forms\/:id/, form.body.id],
    [/^\/api\/campaigns\/:id/, campaign.body.id],
    [/^\/api\/enrollments\/:id/, enrollment.id],
    [/^\/api\/leads\/imports\/:id/, upload.body.id],
    [/^\/api\/leads\/by-email\/:email/, lead.email],
    [/^\/api\/leads\/:id/, lead.id],
    [/^\/api\/sending\/identities\/:id/, identity.body.id],
    [/^\/api\/sending\/warmup\/:id/, warmup.id],
    [/^\/api\/sending\/outbox\/:id/, caught.id],
  ];
  const idFor = (path: string): string => {
    const hit = ids.find(([re]) => re.test(path));
    if (!hit) throw new Error(`no fixture resource for ${path}: add one to resourceWorkspace`);
    return hit[1];
  };
  return { owner, wsId, idFor, warmup, stepId: campaign.body.steps[0].id as string, lead };
}
