// Custom fields keyed like Object.prototype's members ("constructor", "__proto__", "toString")
// are stored like any other key, through every way a custom field gets in: a form field, an
// edit of the lead, a CSV import. They used to be dropped (or to fail validation silently).
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerRedis } from '@kindling/queue';
import {
  startSubmissionsDrain,
  type SubmissionsDrain,
} from '../../../worker/src/modules/submissions-drain.js';
import {
  Client,
  signUp,
  startImportWorker,
  startTestApi,
  uniqueEmail,
  type TestApi,
} from '../../test/support/testing.js';

const prefix = `proto-keys-${randomUUID().slice(0, 8)}`;
const stream = `${prefix}:submissions`;
let api: TestApi;
let owner: Awaited<ReturnType<typeof signUp>>;
let drain: SubmissionsDrain;
let importWorker: { close: () => Promise<void> };

beforeAll(async () => {
  api = await startTestApi({
    queuePrefix: prefix,
    submissionsStream: stream,
    formRateLimits: { perIp: 1000, perForm: 1000 },
  });
  owner = await signUp(api, 'proto');
  importWorker = await startImportWorker(api);
  drain = await startSubmissionsDrain({
    db: api.deps.db,
    reader: createWorkerRedis(process.env.REDIS_URL!),
    redis: api.deps.redis,
    prefix,
    logger: pino({ level: 'silent' }),
    confirmation: { appSecret: api.deps.config.appSecret, publicUrl: api.deps.config.publicUrl },
    settings: { stream, blockMs: 200 },
  });
});
afterAll(async () => {
  await importWorker?.close();
  await drain?.close();
  await api?.deps.redis.del(stream).catch(() => undefined);
  await api?.close();
});

async function leadOf(email: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lead = await api.deps.db.lead.findFirst({
      where: { workspaceId: owner.me.workspace.id, email },
    });
    if (lead) return lead;
    if (Date.now() > deadline) throw new Error(`no lead ${email} after 15 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('custom fields with prototype-like keys', () => {
  it('a form field keyed "constructor" reaches the lead, and is required like any other', async () => {
    const form = await owner.client.post('/api/forms', {
      name: 'Proto',
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true },
        { key: 'constructor', type: 'text', label: 'Builder', required: true },
      ],
    });
    expect(form.status).toBe(201);
    const url = `/api/public/forms/${form.body.publicId}/submissions`;
    const visitor = new Client(api.url);
    const missing = await visitor.post(url, { email: uniqueEmail('p'), _elapsed: 5000 });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toEqual([
      { field: 'constructor', issue: 'Builder is required' },
    ]);
    const email = uniqueEmail('p');
    expect((await visitor.post(url, { email, constructor: 'Bob', _elapsed: 5000 })).status).toBe(
      202,
    );
    expect((await leadOf(email)).customFields).toEqual({ constructor: 'Bob' });
  });

  it('an edit of the lead keeps "constructor", "__proto__" and "toString" keys', async () => {
    const email = uniqueEmail('edit');
    const lead = await api.deps.db.lead.create({
      data: { workspaceId: owner.me.workspace.id, email },
    });
    // Raw JSON: an object literal would turn "__proto__" into a prototype, not a key.
    const res = await owner.client.request(
      'PATCH',
      `/api/leads/${lead.id}`,
      '{"customFields":{"constructor":"a","__proto__":"b","toString":"c","plan":"pro"}}',
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.customFields).sort()).toEqual([
      '__proto__',
      'constructor',
      'plan',
      'toString',
    ]);
    const stored = await api.deps.db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(JSON.parse(JSON.stringify(stored.customFields))).toEqual(
      JSON.parse('{"constructor":"a","__proto__":"b","toString":"c","plan":"pro"}'),
    );
    expect(Object.keys(stored.customFields as object).sort()).toEqual([
      '__proto__',
      'constructor',
      'plan',
      'toString',
    ]);
  });

  it('a CSV import maps cf.constructor, cf.__proto__ and cf.toString', async () => {
    const email = uniqueEmail('csv');
    const up = await fetch(`${api.url}/api/leads/imports?fileName=p.csv`, {
      method: 'POST',
      headers: {
        cookie: owner.client.cookie,
        'x-forwarded-for': owner.client.ip,
        'content-type': 'text/csv',
        'x-kindling-upload': '1',
      },
      body: `email,a,b,c\n${email},x,y,z\n`,
    });
    expect(up.status).toBe(201);
    const id = ((await up.json()) as { id: string }).id;
    const start = await owner.client.post(`/api/leads/imports/${id}/start`, {
      mapping: ['email', 'cf.constructor', 'cf.__proto__', 'cf.toString'],
    });
    expect(start.status, JSON.stringify(start.body)).toBeLessThan(300);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = (await owner.client.get(`/api/leads/imports/${id}`)).body;
      if (s.status === 'done' || s.status === 'failed') break;
      if (Date.now() > deadline) throw new Error('import not done');
      await new Promise((r) => setTimeout(r, 100));
    }
    const lead = await leadOf(email);
    expect(Object.keys(lead.customFields as object).sort()).toEqual([
      '__proto__',
      'constructor',
      'toString',
    ]);
  });
});
