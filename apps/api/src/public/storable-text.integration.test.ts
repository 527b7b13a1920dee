// Text PostgreSQL cannot store (NUL, lone surrogates) is refused at every entry point with a 422
// naming the field, before anything reaches the submissions stream; a valid submission posted
// right after each refusal is stored by the drain within seconds (nothing is stuck behind it).
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createWorkerRedis } from '@kindling/queue';
import {
  startSubmissionsDrain,
  type SubmissionsDrain,
} from '../../../worker/src/modules/submissions-drain.js';
import {
  startTestApi,
  signUp,
  uniqueEmail,
  Client,
  type TestApi,
} from '../../test/support/testing.js';

const prefix = `storable-${randomUUID().slice(0, 8)}`;
const submissionsStream = `${prefix}:submissions`;
let api: TestApi;
let owner: Awaited<ReturnType<typeof signUp>>;
let drain: SubmissionsDrain;
let publicId: string;

// One field of every type; `valid` fills each with an acceptable value.
const FIELDS = [
  { key: 'email', type: 'email', label: 'Email', required: true },
  { key: 'name', type: 'text', label: 'Name' },
  { key: 'about', type: 'textarea', label: 'About' },
  { key: 'age', type: 'number', label: 'Age' },
  { key: 'tel', type: 'phone', label: 'Phone' },
  { key: 'size', type: 'select', label: 'Size', options: [{ value: 's', label: 'S' }] },
  { key: 'plan', type: 'radio', label: 'Plan', options: [{ value: 'p', label: 'P' }] },
  { key: 'news', type: 'checkbox', label: 'News' },
  { key: 'gdpr', type: 'consent', label: 'Consent', consentText: 'I agree.' },
  { key: 'src', type: 'hidden', label: 'Source' },
];
const valid = (email: string): Record<string, unknown> => ({
  email,
  name: 'Ann 👍',
  about: 'Hi',
  age: 30,
  tel: '+1 555 0100',
  size: 's',
  plan: 'p',
  news: true,
  gdpr: true,
  src: 'ad',
  _elapsed: 5000,
});
const BAD = { nul: 'a\u0000b', surrogate: 'x\ud800y', lowSurrogate: '\udc00' };

const path = () => `/api/public/forms/${publicId}/submissions`;

/** Posts a valid submission and waits until its lead is stored. Returns the time it took. */
async function validGetsStored(): Promise<number> {
  const email = uniqueEmail('after');
  const t0 = Date.now();
  const res = await new Client(api.url).post(path(), valid(email));
  expect(res.status).toBe(202);
  for (;;) {
    const lead = await api.deps.db.lead.findFirst({
      where: { workspaceId: owner.me.workspace.id, email },
    });
    if (lead) return Date.now() - t0;
    if (Date.now() - t0 > 5_000) throw new Error('valid submission not stored within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  api = await startTestApi({
    queuePrefix: prefix,
    submissionsStream,
    formRateLimits: { perIp: 10_000, perForm: 10_000 },
  });
  owner = await signUp(api, 'storable');
  const form = await owner.client.post('/api/forms', { name: 'All types', fields: FIELDS });
  expect(form.status).toBe(201);
  publicId = form.body.publicId;
  drain = await startSubmissionsDrain({
    db: api.deps.db,
    reader: createWorkerRedis(process.env.REDIS_URL!),
    redis: api.deps.redis,
    prefix,
    logger: pino({ level: 'silent' }),
    confirmation: { appSecret: api.deps.config.appSecret, publicUrl: api.deps.config.publicUrl },
    settings: { stream: submissionsStream, blockMs: 200 },
  });
});
afterAll(async () => {
  await drain?.close();
  await api?.deps.redis.del(submissionsStream).catch(() => undefined);
  await api?.close();
});

describe('unstorable text in public submissions', () => {
  it('refuses NUL and lone surrogates in every field type as JSON (fast path), naming the field', async () => {
    let slowest = 0;
    for (const field of FIELDS) {
      for (const [kind, bad] of Object.entries(BAD)) {
        const body = { ...valid(uniqueEmail('bad')), [field.key]: bad };
        const res = await new Client(api.url).post(path(), body);
        expect(res.status, `${field.type} ${kind}`).toBe(422);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.details).toEqual([
          { field: field.key, issue: expect.stringMatching(/cannot be stored/) },
        ]);
      }
      slowest = Math.max(slowest, await validGetsStored());
    }
    // Keys, nested values and meta fields (attribution, honeypot) too; nothing reaches the stream.
    for (const extra of [
      { 'x\u0000': 1 },
      { utm_source: '\ud800' },
      { _website: 'bot\u0000' },
      { nested: [{ deep: 'a\u0000' }] },
    ]) {
      const res = await new Client(api.url).post(path(), { ...valid(uniqueEmail('x')), ...extra });
      expect(res.status).toBe(422);
    }
    expect(await api.deps.redis.xlen(submissionsStream)).toBe(0);
    expect(slowest).toBeLessThan(5_000);
  });

  it('refuses them through express too: urlencoded (%00) and gzip-compressed JSON', async () => {
    for (const field of FIELDS) {
      const form = new URLSearchParams(
        Object.entries(valid(uniqueEmail('url'))).map(([k, v]): [string, string] => [k, String(v)]),
      );
      form.set(field.key, BAD.nul);
      const res = await fetch(api.url + path(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: form.toString(),
        redirect: 'manual',
      });
      expect(res.status, field.type).toBe(422);
      expect(await res.text()).toContain(`${field.key}: contains a NUL character`);

      const gz = await fetch(api.url + path(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ ...valid(uniqueEmail('gz')), [field.key]: BAD.surrogate })),
      });
      expect(gz.status, field.type).toBe(422);
      const json = (await gz.json()) as { error: { details: { field: string }[] } };
      expect(json.error.details[0]!.field).toBe(field.key);
    }
    expect(await validGetsStored()).toBeLessThan(5_000);
  });
});

describe('unstorable text in the authenticated API', () => {
  it('refuses it in JSON bodies and query strings with 422 naming the field', async () => {
    const create = await owner.client.post('/api/forms', {
      name: 'Fine',
      fields: [{ key: 'email', type: 'email', label: 'E\u0000mail', required: true }],
    });
    expect(create.status).toBe(422);
    expect(create.body.error.details).toEqual([
      { field: 'fields.0.label', issue: expect.stringMatching(/NUL/) },
    ]);
    const list = await owner.client.get(`/api/leads?q=${encodeURIComponent('\u0000')}`);
    expect(list.status).toBe(422);
    expect(list.body.error.details[0].field).toBe('q');
    // A lone surrogate written as a JSON escape (what JSON.stringify sends for one).
    const raw = await owner.client.request(
      'POST',
      '/api/forms',
      '{"name":"\\udfff","fields":[{"key":"email","type":"email","label":"E","required":true}]}',
    );
    expect(raw.status).toBe(422);
    expect(raw.body.error.details[0].field).toBe('name');
  });
});
