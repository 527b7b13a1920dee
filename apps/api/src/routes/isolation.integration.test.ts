// Tenancy and the role matrix, over every route the router declares (allRoutes, not a hand list):
// - each role and each API-key scope is allowed exactly what packages/shared permissions.ts says
//   and refused (403) the rest;
// - each route naming an id answers 404 for another workspace's id, through a session and
//   through an API key, while the same request on the caller's own id finds it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY_SCOPES,
  ROLES,
  roleCan,
  scopesCover,
  updateWarmupSchema,
  type Permission,
} from '@kindling/shared';
import { allRoutes } from '../app.js';
import { routePermission, type AnyRoute } from '../http/route.js';
import { LEADS_HTTP_PERMISSIONS } from './leads.js';
import type { Client } from '../../test/support/testing.js';
import { startTestApi, type TestApi } from '../../test/support/testing.js';
import {
  campaignBody,
  formBody,
  keyClient,
  resourceWorkspace,
  roleWorkspace,
} from '../../test/support/testing-tenancy.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

interface Target {
  method: string;
  path: string;
  auth: AnyRoute['auth'];
  permission: Permission;
  hasBody: boolean;
  headers?: Record<string, string>;
}

/** Every authenticated endpoint: the declared JSON routes and the CSV ones beside them. */
function targets(): Target[] {
  const declared = allRoutes(api.deps)
    .filter((r) => r.auth !== 'public')
    .map((r) => ({
      method: r.method.toUpperCase(),
      path: r.path,
      auth: r.auth,
      permission: routePermission(r)!,
      hasBody: Boolean(r.body),
    }));
  const csv = Object.entries(LEADS_HTTP_PERMISSIONS).map(([key, permission]) => {
    const [method, path] = key.split(' ') as [string, string];
    return {
      method,
      path,
      auth: 'any' as const,
      permission,
      hasBody: false,
      headers:
        method === 'POST' ? { 'content-type': 'text/csv', 'x-kindling-upload': '1' } : undefined,
    };
  });
  return [...declared, ...csv];
}

const fill = (path: string, id: (p: string) => string) => path.replace(/:(\w+)/g, () => id(path));

async function call(client: Client, t: Target, path: string, body?: unknown) {
  if (t.headers) return client.request(t.method, path, '', t.headers);
  // Bodyless writes still go as JSON, as the web app sends them (the CSRF guard wants JSON).
  const json = t.hasBody || (t.method !== 'GET' && t.method !== 'DELETE');
  return client.request(t.method, path, json ? (body ?? {}) : undefined);
}

describe('the role matrix, enforced on every route', () => {
  it('declares a permission on every authenticated route', () => {
    const undeclared = allRoutes(api.deps)
      .filter((r) => r.auth !== 'public' && !r.permission && !r.role)
      .map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  // About 800 requests: give a loaded machine time.
  it(
    'allows each role and each key scope exactly what the matrix says',
    { timeout: 180_000 },
    async () => {
      const { roles, keys } = await roleWorkspace(api);
      const all = targets();
      expect(all.length).toBeGreaterThan(60);
      const wrong: string[] = [];
      let checked = 0;
      const check = async (who: string, client: Client, t: Target, allowed: boolean) => {
        // A random id: an allowed caller gets past authorisation to a 404 or 422, nothing changes.
        const res = await call(
          client,
          t,
          fill(t.path, () => randomUUID()),
        );
        checked++;
        const refused = res.status === 403;
        if (res.status >= 500 || res.status === 401 || refused === allowed) {
          wrong.push(
            `${who} ${t.method} ${t.path}: ${res.status} (expected ${allowed ? 'allowed' : '403'})`,
          );
        }
      };
      for (const t of all) {
        for (const role of ROLES) await check(role, roles[role], t, roleCan(role, t.permission));
        for (const scope of API_KEY_SCOPES) {
          const allowed = t.auth === 'any' && scopesCover([scope], t.permission);
          await check(`key:${scope}`, keys[scope], t, allowed);
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBe(all.length * (ROLES.length + API_KEY_SCOPES.length));
    },
  );
});

describe('workspace isolation on every id route', () => {
  it(
    "answers 404 for another workspace's id, via a session and via an API key",
    { timeout: 180_000 },
    async () => {
      const a = await resourceWorkspace(api, 'a');
      const b = await resourceWorkspace(api, 'b');
      const aKey = (await keyClient(api, a.owner.client, ['admin'])).client;
      const warmup = Object.fromEntries(
        Object.keys(updateWarmupSchema.shape).map((k) => [k, a.warmup[k as keyof typeof a.warmup]]),
      );
      const bodies: Record<string, unknown> = {
        'PATCH /api/members/:id': { role: 'member' },
        'PUT /api/forms/:id': formBody(),
        'PUT /api/campaigns/:id': campaignBody(),
        'POST /api/campaigns/:id/enrollments': { emails: ['someone@example.test'] },
        'POST /api/campaigns/:id/preview': { stepId: a.stepId },
        'POST /api/campaigns/:id/test-send': { stepId: a.stepId },
        'POST /api/leads/imports/:id/start': { mapping: ['email'] },
        'PATCH /api/leads/:id': { firstName: 'Mallory' },
        'PATCH /api/sending/identities/:id': { name: 'Mallory' },
        'PATCH /api/sending/warmup/:id': warmup,
      };
      const idRoutes = targets().filter((t) => t.path.includes('/:'));
      expect(idRoutes.length).toBeGreaterThan(30);

      const leaks: string[] = [];
      let attempts = 0;
      for (const t of idRoutes) {
        const body = bodies[`${t.method} ${t.path}`];
        const path = fill(t.path, b.idFor);
        const callers: [string, Client][] = [['session', a.owner.client]];
        if (t.auth === 'any') callers.push(['api key', aKey]);
        for (const [via, client] of callers) {
          const res = await call(client, t, path, body);
          attempts++;
          if (res.status !== 404) leaks.push(`${via} ${t.method} ${t.path}: ${res.status}`);
        }
      }
      expect(leaks).toEqual([]);
      expect(attempts).toBeGreaterThan(60);

      // Nothing of B changed.
      const bLead = await api.deps.db.lead.findUniqueOrThrow({ where: { id: b.lead.id } });
      expect(bLead.firstName).toBeNull();
      expect((await b.owner.client.get('/api/members')).body).toHaveLength(2);
      expect((await b.owner.client.get(`/api/forms/${b.idFor('/api/forms/:id')}`)).status).toBe(
        200,
      );

      // The same requests on A's own ids find the resource: the 404s above are tenancy, not a
      // malformed request. Deletions go last so that every other route still has its resource.
      const own = [...idRoutes].sort(
        (x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'),
      );
      const missing: string[] = [];
      for (const t of own) {
        const res = await call(
          a.owner.client,
          t,
          fill(t.path, a.idFor),
          bodies[`${t.method} ${t.path}`],
        );
        if (res.status === 404 && !t.path.endsWith('report.csv'))
          missing.push(`${t.method} ${t.path}: ${JSON.stringify(res.body)}`);
      }
      expect(missing).toEqual([]);
    },
  );

  it('treats a malformed id like a missing one', async () => {
    const { owner } = await resourceWorkspace(api, 'malformed');
    expect((await owner.client.delete('/api/api-keys/not-a-uuid')).status).toBe(404);
  });
});
