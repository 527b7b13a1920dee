// The public form endpoints and the forms CRUD against real Postgres and Redis: every error answer
// with its exact status and message, nothing half-written after a rejection, spam handling, lead
// merge rules, double opt-in and enrollment. Accepted submissions are stored by the worker's
// submissions drain, run here in-process on this file's own stream: assertions about what is
// stored wait until the drain has emptied the stream (so "nothing stored" is not just "not yet").
// Over 500 lines on purpose: every case shares one api, one in-process drain and one stream, and
// the submission cases build on each other's forms; split it by describe block when it grows.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { QUEUES, emailSendJobId } from '@kindling/queue';
import { signToken } from '@kindling/sending/tokens';
import pino from 'pino';
import { createWorkerRedis } from '@kindling/queue';
import { storeSubmissions, uuidv7, type SubmissionEntry } from '@kindling/leads';
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
import { emailSends } from '../email-queue.js';

const prefix = `forms-test-${randomUUID().slice(0, 8)}`;
const submissionsStream = `${prefix}:submissions`;
let api: TestApi;
let owner: Awaited<ReturnType<typeof signUp>>;
let queue: Queue;
let drain: SubmissionsDrain;

/** Waits until the drain has stored everything accepted so far (the stream is empty). */
async function drained(timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await api.deps.redis.xlen(submissionsStream)) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`submissions stream not drained after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const formBody = (over: Record<string, unknown> = {}) => ({
  name: 'Newsletter',
  fields: [
    { key: 'email', type: 'email', label: 'Email', required: true },
    { key: 'first_name', type: 'text', label: 'First name', required: true, maxLength: 40 },
    { key: 'company', type: 'text', label: 'Company' },
    {
      key: 'plan',
      type: 'radio',
      label: 'Plan',
      options: [
        { value: 'free', label: 'Free' },
        { value: 'pro', label: 'Pro' },
      ],
    },
    {
      key: 'gdpr',
      type: 'consent',
      label: 'Consent',
      required: true,
      consentText: 'I agree to receive emails.',
    },
    { key: 'source', type: 'hidden', label: 'Source', queryParam: 'src', defaultValue: 'site' },
  ],
  ...over,
});

async function createForm(over: Record<string, unknown> = {}) {
  const res = await owner.client.post('/api/forms', formBody(over));
  if (res.status !== 201) throw new Error(`create form: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    id: string;
    publicId: string;
    fields: { key: string; consentVersion: number | null }[];
  };
}

/** A visitor: no cookie, its own IP. */
const visitor = () => new Client(api.url);
const good = (email: string) => ({ email, first_name: 'Ann', gdpr: true, _elapsed: 5000 });

async function counts(email: string) {
  await drained();
  const db = api.deps.db;
  const lead = await db.lead.findFirst({
    where: { workspaceId: owner.me.workspace.id, email: email.toLowerCase() },
  });
  const subs = await db.formSubmission.count({
    where: { workspaceId: owner.me.workspace.id, lead: { email: email.toLowerCase() } },
  });
  return { lead, subs };
}

beforeAll(async () => {
  api = await startTestApi({
    queuePrefix: prefix,
    submissionsStream,
    formRateLimits: { perIp: 1000, perForm: 1000 },
  });
  owner = await signUp(api, 'forms');
  queue = new Queue(QUEUES.email, { connection: api.deps.redis, prefix });
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
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await api?.close();
});

describe('forms CRUD', () => {
  it('creates, reads, lists, updates and deletes a form, scoped to the workspace', async () => {
    const form = await createForm();
    expect(form.publicId).toMatch(/^frm_/);
    const list = await owner.client.get('/api/forms');
    expect(list.body.map((f: { id: string }) => f.id)).toContain(form.id);

    const v1 = form.fields.find((f) => f.key === 'gdpr')!.consentVersion;
    expect(v1).toBe(1);
    const changed = formBody();
    (changed.fields[4] as { consentText: string }).consentText =
      'I agree to receive weekly emails.';
    const put = await owner.client.request('PUT', `/api/forms/${form.id}`, changed);
    expect(put.status).toBe(200);
    expect(put.body.fields.find((f: { key: string }) => f.key === 'gdpr').consentVersion).toBe(2);
    const same = await owner.client.request('PUT', `/api/forms/${form.id}`, changed);
    expect(same.body.fields.find((f: { key: string }) => f.key === 'gdpr').consentVersion).toBe(2);

    const stranger = await signUp(api, 'stranger');
    expect((await stranger.client.get(`/api/forms/${form.id}`)).status).toBe(404);
    expect((await stranger.client.delete(`/api/forms/${form.id}`)).status).toBe(404);
    expect((await owner.client.delete(`/api/forms/${form.id}`)).status).toBe(204);
    expect((await owner.client.get(`/api/forms/${form.id}`)).status).toBe(404);
  });

  it('rejects a bad definition with per-field messages', async () => {
    const res = await owner.client.post('/api/forms', {
      name: '',
      allowedOrigins: ['not a url'],
      fields: [
        { key: 'Bad Key', type: 'text', label: 'X' },
        { key: 'plan', type: 'select', label: 'Plan' },
      ],
    });
    expect(res.status).toBe(422);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'allowedOrigins.0', 'fields.0.key', 'fields.1.options']),
    );
  });
});

describe('public submission endpoint', () => {
  it('serves the form definition with CORS for any origin when the allow-list is empty', async () => {
    const form = await createForm();
    const res = await visitor().request('GET', `/api/public/forms/${form.publicId}`, undefined, {
      origin: 'https://landing.test',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://landing.test');
    expect(res.body.fields.map((f: { key: string }) => f.key)).toEqual([
      'email',
      'first_name',
      'company',
      'plan',
      'gdpr',
      'source',
    ]);
    expect(res.body.submitUrl).toBe(
      `http://localhost:3000/api/public/forms/${form.publicId}/submissions`,
    );
  });

  it('accepts (202), then stores the lead, the submission and its attribution', async () => {
    const form = await createForm();
    const email = uniqueEmail('Lead').replace('lead', 'LeAd');
    const res = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, {
      ...good(email),
      company: 'Acme',
      plan: 'pro',
      source: 'ad',
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'spring',
      utm_term: 'crm',
      utm_content: 'hero',
      _referrer: 'https://search.test/',
      _page: 'https://landing.test/?utm_source=google',
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', confirmationRequired: false });
    const { lead, subs } = await counts(email);
    expect(subs).toBe(1);
    expect(lead).toMatchObject({
      email: email.toLowerCase(),
      firstName: 'Ann',
      customFields: { company: 'Acme', plan: 'pro', source: 'ad' },
      firstFormId: form.id,
      firstUtmSource: 'google',
      firstUtmCampaign: 'spring',
      firstPageUrl: 'https://landing.test/?utm_source=google',
      consentText: 'I agree to receive emails.',
    });
    const sub = await api.deps.db.formSubmission.findFirstOrThrow({ where: { leadId: lead!.id } });
    expect(sub).toMatchObject({
      utmSource: 'google',
      utmMedium: 'cpc',
      utmCampaign: 'spring',
      utmTerm: 'crm',
      utmContent: 'hero',
      referrer: 'https://search.test/',
      pageUrl: 'https://landing.test/?utm_source=google',
      consentText: 'I agree to receive emails.',
      consentVersion: 1,
      isSpam: false,
    });

    // A second submission updates values, keeps first touch and is recorded with its own attribution.
    const again = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, {
      ...good(email.toUpperCase()),
      first_name: 'Anna',
      utm_source: 'newsletter',
    });
    expect(again.status).toBe(202);
    const after = await counts(email);
    expect(after.subs).toBe(2);
    expect(after.lead).toMatchObject({ id: lead!.id, firstName: 'Anna', firstUtmSource: 'google' });
  });

  it('answers 422 with a message per field and writes nothing', async () => {
    const form = await createForm();
    const email = uniqueEmail('invalid');
    const res = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, {
      email,
      first_name: 'x'.repeat(41),
      plan: 'gold',
      _elapsed: 5000,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('Some fields are invalid');
    expect(res.body.error.details).toEqual([
      { field: 'first_name', issue: 'First name must be at most 40 characters' },
      { field: 'plan', issue: 'Choose one of the options for Plan' },
      { field: 'gdpr', issue: 'Please tick this box to continue' },
    ]);
    expect(await counts(email)).toEqual({ lead: null, subs: 0 });
    const bad = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, {
      email: 'nope',
      _elapsed: 5000,
    });
    expect(bad.body.error.details[0]).toEqual({
      field: 'email',
      issue: 'Enter a valid email address',
    });
  });

  it('rolls the lead back when storing the submission fails half-way', async () => {
    const form = await createForm();
    const email = uniqueEmail('halfway');
    // A form deleted after the visitor was answered: the lead upsert runs, then the submission
    // insert fails (foreign key); the statement leaves neither behind.
    const entry = (formId: string, address: string): SubmissionEntry => ({
      id: uuidv7(),
      workspaceId: owner.me.workspace.id,
      formId,
      receivedAt: Date.now(),
      doubleOptIn: false,
      spamReason: null,
      data: { email: address },
      ip: null,
      userAgent: null,
      consent: null,
      attribution: {
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
        referrer: null,
        pageUrl: null,
      },
      lead: { email: address, customFields: {} },
    });
    const config = { appSecret: api.deps.config.appSecret, publicUrl: api.deps.config.publicUrl };
    const other = uniqueEmail('halfway-other');
    await expect(
      storeSubmissions(
        api.deps.db,
        [entry(form.id, other), entry(randomUUID(), email)],
        config,
        emailSends(api.deps),
      ),
    ).rejects.toThrow();
    expect(await counts(email)).toEqual({ lead: null, subs: 0 });
    expect(await counts(other)).toEqual({ lead: null, subs: 0 });
  });

  it('drops a queued submission whose form was deleted meanwhile, and stores the others', async () => {
    const form = await createForm();
    const doomed = await createForm();
    const first = uniqueEmail('before-delete');
    expect(
      (await visitor().post(`/api/public/forms/${doomed.publicId}/submissions`, good(first)))
        .status,
    ).toBe(202);
    expect((await counts(first)).subs).toBe(1);
    await api.deps.db.form.delete({ where: { id: doomed.id } });
    // The api still has the form in its 5 s cache: accepted and queued, then its form is gone.
    const orphan = uniqueEmail('orphan');
    const kept = uniqueEmail('kept');
    const [a, b] = await Promise.all([
      visitor().post(`/api/public/forms/${doomed.publicId}/submissions`, good(orphan)),
      visitor().post(`/api/public/forms/${form.publicId}/submissions`, good(kept)),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((await counts(kept)).subs).toBe(1);
    expect(await counts(orphan)).toEqual({ lead: null, subs: 0 });
  });

  it('answers 503 with a clear message when Redis cannot take the submission, and stores nothing', async () => {
    const broken = await startTestApi({ queuePrefix: prefix, submissionsStream });
    try {
      const form = await createForm();
      broken.deps.redis.disconnect();
      const email = uniqueEmail('redis-down');
      const res = await new Client(broken.url).post(
        `/api/public/forms/${form.publicId}/submissions`,
        good(email),
      );
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe(
        'Submissions cannot be accepted right now (storage unavailable); please try again in a moment.',
      );
      expect(await counts(email)).toEqual({ lead: null, subs: 0 });
    } finally {
      await broken.close();
    }
  });

  it('answers 413 for an oversized body and writes nothing', async () => {
    const form = await createForm();
    const email = uniqueEmail('big');
    const res = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, {
      ...good(email),
      company: 'x'.repeat(40_000),
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      code: 'payload_too_large',
      message: 'Request body is too large',
    });
    expect(await counts(email)).toEqual({ lead: null, subs: 0 });
  });

  it('answers 404 for an unknown or disabled form', async () => {
    const unknown = await visitor().post(
      '/api/public/forms/frm_doesnotexist/submissions',
      good(uniqueEmail()),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'This form does not exist or is not accepting submissions',
    );
    const form = await createForm({ status: 'disabled' });
    const email = uniqueEmail('disabled');
    const res = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, good(email));
    expect(res.status).toBe(404);
    expect((await visitor().get(`/api/public/forms/${form.publicId}`)).status).toBe(404);
    expect(await counts(email)).toEqual({ lead: null, subs: 0 });
  });

  it('answers 403 for an origin that is not allowed, and grants CORS only to allowed ones', async () => {
    const form = await createForm({ allowedOrigins: ['https://good.test'] });
    const path = `/api/public/forms/${form.publicId}/submissions`;
    const email = uniqueEmail('origin');
    const evil = await visitor().request('POST', path, good(email), {
      origin: 'https://evil.test',
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.message).toBe(
      'This form does not accept submissions from https://evil.test',
    );
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(await counts(email)).toEqual({ lead: null, subs: 0 });

    const pre = await visitor().request('OPTIONS', path, undefined, {
      origin: 'https://good.test',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://good.test');
    expect(pre.headers.get('access-control-allow-headers')).toBe('Content-Type');
    const badPre = await visitor().request('OPTIONS', path, undefined, {
      origin: 'https://evil.test',
      'access-control-request-method': 'POST',
    });
    expect(badPre.status).toBe(403);
    expect(badPre.headers.get('access-control-allow-origin')).toBeNull();

    const ok = await visitor().request('POST', path, good(email), { origin: 'https://good.test' });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://good.test');
  });

  it('answers 429 with Retry-After when one IP sends too much, and stores nothing for it', async () => {
    const limited = await startTestApi({
      queuePrefix: prefix,
      submissionsStream,
      formRateLimits: { perIp: 3, perForm: 1000 },
    });
    try {
      const form = await createForm();
      const client = new Client(limited.url);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (
            await client.post(
              `/api/public/forms/${form.publicId}/submissions`,
              good(uniqueEmail('rl')),
            )
          ).status,
        );
      }
      const email = uniqueEmail('rl-over');
      const over = await client.post(`/api/public/forms/${form.publicId}/submissions`, good(email));
      expect(statuses).toEqual([202, 202, 202]);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(over.body.error.message).toMatch(
        /^Too many submissions; please wait a moment\. Try again in \d+ s\.$/,
      );
      expect(await counts(email)).toEqual({ lead: null, subs: 0 });
      // Another visitor is not affected.
      expect(
        (
          await new Client(limited.url).post(
            `/api/public/forms/${form.publicId}/submissions`,
            good(uniqueEmail()),
          )
        ).status,
      ).toBe(202);
    } finally {
      await limited.close();
    }
  });

  it('answers bots like people but stores them as spam, without a lead or enrollment', async () => {
    const form = await createForm();
    for (const [extra, reason] of [
      [{ _website: 'http://spam.test' }, 'honeypot'],
      [{ _elapsed: 300 }, 'time_trap'],
    ] as const) {
      const email = uniqueEmail('bot');
      const res = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, {
        ...good(email),
        ...extra,
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'accepted', confirmationRequired: false });
      expect((await counts(email)).lead).toBeNull();
      const spam = await api.deps.db.formSubmission.findMany({
        where: { formId: form.id, isSpam: true, spamReason: reason },
      });
      expect(spam.map((s) => (s.data as { email?: string }).email)).toContain(email);
      expect(spam.every((s) => s.leadId === null)).toBe(true);
    }
  });

  it('drops a retried submission that already landed (same client id)', async () => {
    const form = await createForm();
    const email = uniqueEmail('retry');
    const body = { ...good(email), _sid: randomUUID() };
    expect(
      (await visitor().post(`/api/public/forms/${form.publicId}/submissions`, body)).body.status,
    ).toBe('accepted');
    expect(
      (await visitor().post(`/api/public/forms/${form.publicId}/submissions`, body)).body.status,
    ).toBe('duplicate');
    expect((await counts(email)).subs).toBe(1);
  });

  it('keeps an unsubscribed lead unsubscribed and does not enroll it', async () => {
    const form = await createForm();
    const campaign = await activeCampaignFor(form.id);
    const email = uniqueEmail('unsub');
    await visitor().post(`/api/public/forms/${form.publicId}/submissions`, good(email));
    const { lead } = await counts(email);
    expect(
      await api.deps.db.enrollment.count({ where: { leadId: lead!.id, campaignId: campaign } }),
    ).toBe(1);
    await api.deps.db.enrollment.deleteMany({ where: { leadId: lead!.id } });
    await api.deps.db.lead.update({
      where: { id: lead!.id },
      data: { status: 'unsubscribed', unsubscribedAt: new Date() },
    });
    const res = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, {
      ...good(email),
      first_name: 'Back',
    });
    expect(res.status).toBe(202);
    const after = await counts(email);
    expect(after.lead).toMatchObject({ status: 'unsubscribed', firstName: 'Back' });
    expect(await api.deps.db.enrollment.count({ where: { leadId: lead!.id } })).toBe(0);
  });

  it('the JSON fast path and the express form post record the same client address', async () => {
    const form = await createForm();
    const url = `/api/public/forms/${form.publicId}/submissions`;
    const mapped = { 'x-forwarded-for': '192.0.2.1, ::FFFF:198.51.100.7' };
    const json = uniqueEmail('ip-json');
    const html = uniqueEmail('ip-form');
    expect((await visitor().request('POST', url, good(json), mapped)).status).toBe(202);
    const body = new URLSearchParams({ email: html, first_name: 'Ann', gdpr: 'on' }).toString();
    const res = await visitor().request('POST', url, body, {
      ...mapped,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(303);
    await drained();
    for (const email of [json, html]) {
      const sub = await api.deps.db.formSubmission.findFirst({
        where: { workspaceId: owner.me.workspace.id, lead: { email } },
      });
      // One hop trusted (the test api's TRUST_PROXY): the right-most entry, written as IPv4.
      expect(sub?.ip, email).toBe('198.51.100.7');
    }
  });

  it('works as a plain HTML form post: 303 to the thank-you page, even for a signed-in user', async () => {
    const form = await createForm();
    const email = uniqueEmail('nojs');
    const body = new URLSearchParams({
      email,
      first_name: 'Noah',
      gdpr: 'on',
      plan: 'free',
    }).toString();
    const res = await owner.client.request(
      'POST',
      `/api/public/forms/${form.publicId}/submissions`,
      body,
      {
        'content-type': 'application/x-www-form-urlencoded',
        referer: 'https://landing.test/page?utm_source=print',
      },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `http://localhost:3000/api/public/forms/${form.publicId}/thanks`,
    );
    const { lead, subs } = await counts(email);
    expect(subs).toBe(1);
    expect(lead).toMatchObject({
      firstName: 'Noah',
      firstPageUrl: 'https://landing.test/page?utm_source=print',
    });
    const thanks = await visitor().get(`/api/public/forms/${form.publicId}/thanks`);
    expect(thanks.status).toBe(200);
    expect(thanks.body).toContain('Thanks! You&#39;re on the list.');

    const invalid = await visitor().request(
      'POST',
      `/api/public/forms/${form.publicId}/submissions`,
      'email=bad',
      {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
      },
    );
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toContain('text/html');
    expect(invalid.body).toContain('email: Enter a valid email address');

    const redirecting = await createForm({ redirectUrl: 'https://landing.test/welcome' });
    const r = await visitor().request(
      'POST',
      `/api/public/forms/${redirecting.publicId}/submissions`,
      body,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('https://landing.test/welcome');
  });
});

async function activeCampaignFor(formId: string): Promise<string> {
  const c = await api.deps.db.campaign.create({
    data: {
      workspaceId: owner.me.workspace.id,
      name: `Welcome ${randomUUID().slice(0, 6)}`,
      status: 'active',
      triggers: { create: { type: 'form_submission', formId } },
      steps: { create: { position: 0, type: 'email', config: { subject: 'Hi', body: 'Hello' } } },
    },
  });
  return c.id;
}

describe('double opt-in', () => {
  it('emails a signed link, enrolls only after confirmation, resends at most once per 10 minutes', async () => {
    const form = await createForm({ doubleOptIn: true });
    const campaign = await activeCampaignFor(form.id);
    const email = uniqueEmail('doi');
    const res = await visitor().post(`/api/public/forms/${form.publicId}/submissions`, good(email));
    expect(res.body).toEqual({ status: 'accepted', confirmationRequired: true });
    const { lead } = await counts(email);
    expect(lead!.confirmedAt).toBeNull();
    expect(lead!.confirmationSentAt).not.toBeNull();
    const messages = await api.deps.db.message.findMany({
      where: { leadId: lead!.id, kind: 'confirmation' },
    });
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(message.toEmail).toBe(email);
    const job = await queue.getJob(emailSendJobId(message.id));
    expect(job?.data).toEqual({ messageId: message.id });
    expect(await api.deps.db.enrollment.count({ where: { leadId: lead!.id } })).toBe(0);

    // Resubmitting within 10 minutes does not send another email.
    await visitor().post(`/api/public/forms/${form.publicId}/submissions`, good(email));
    expect((await counts(email)).subs).toBe(2);
    expect(
      await api.deps.db.message.count({ where: { leadId: lead!.id, kind: 'confirmation' } }),
    ).toBe(1);

    const link = /https?:\/\/\S+\/api\/public\/confirm\/[\w.-]+/.exec(message.text ?? '')![0];
    const path = new URL(link).pathname;
    const tampered = await visitor().get(path.slice(0, -2) + 'xx');
    expect(tampered.status).toBe(404);
    const confirmed = await visitor().get(path);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain('You&#39;re confirmed');
    const after = await api.deps.db.lead.findUniqueOrThrow({ where: { id: lead!.id } });
    expect(after.confirmedAt).not.toBeNull();
    expect(
      await api.deps.db.enrollment.count({ where: { leadId: lead!.id, campaignId: campaign } }),
    ).toBe(1);
    const twice = await visitor().get(path);
    expect(twice.body).toContain('Already confirmed');
    expect(await api.deps.db.enrollment.count({ where: { leadId: lead!.id } })).toBe(1);

    // A link older than 7 days has expired.
    const old = signToken(api.deps.config.appSecret, {
      k: 'confirm',
      w: lead!.workspaceId,
      l: lead!.id,
      i: Math.floor(Date.now() / 1000) - 8 * 24 * 3600,
    });
    const expired = await visitor().get(`/api/public/confirm/${old}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('This link has expired');
  });

  it('sends again once the 10 minutes have passed', async () => {
    const form = await createForm({ doubleOptIn: true });
    const email = uniqueEmail('doi-resend');
    await visitor().post(`/api/public/forms/${form.publicId}/submissions`, good(email));
    const { lead } = await counts(email);
    await api.deps.db.lead.update({
      where: { id: lead!.id },
      data: { confirmationSentAt: new Date(Date.now() - 11 * 60_000) },
    });
    await visitor().post(`/api/public/forms/${form.publicId}/submissions`, good(email));
    expect((await counts(email)).subs).toBe(2);
    expect(
      await api.deps.db.message.count({ where: { leadId: lead!.id, kind: 'confirmation' } }),
    ).toBe(2);
  });
});
