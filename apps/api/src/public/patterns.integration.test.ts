// The ReDoS finding through HTTP: any admin could save `(a+)+b`, and one long value then held the
// api's only thread for seconds per character. Now the pattern runs in RE2 (linear time), the
// length limit is checked first, and patterns RE2 cannot run are refused at save.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

let api: TestApi;
let owner: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  api = await startTestApi({
    submissionsStream: `patterns-${randomUUID()}`,
    formRateLimits: { perIp: 1000, perForm: 1000 },
  });
  owner = await signUp(api, 'patterns');
});
afterAll(async () => {
  await api?.deps.redis.del(api.deps.config.submissionsStream!).catch(() => undefined);
  await api?.close();
});

const formWith = (pattern: string, maxLength = 10_000) => ({
  name: 'Codes',
  fields: [
    { key: 'email', type: 'email', label: 'Email', required: true },
    { key: 'code', type: 'text', label: 'Code', required: true, pattern, maxLength },
  ],
});

describe('field patterns over HTTP', () => {
  it('(a+)+b with a long value answers 422 while another request is served alongside', async () => {
    const form = await owner.client.post('/api/forms', formWith('(a+)+b'));
    expect(form.status).toBe(201);
    const visitor = new Client(api.url);
    const url = `/api/public/forms/${form.body.publicId}/submissions`;
    const body = { email: 'ann@example.test', code: 'a'.repeat(9_000), _elapsed: 5000 };
    // JSON (the fast path) and urlencoded (express) both validate with RE2. With a backtracking
    // engine neither would ever answer, and neither would the health check sent alongside.
    const [json, form2, health] = await Promise.all([
      visitor.post(url, body),
      visitor.request('POST', url, new URLSearchParams({ ...body, _elapsed: '5000' }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      new Client(api.url).get('/healthz'),
    ]);
    expect(health.status).toBe(200);
    expect(json.status).toBe(422);
    expect(json.body.error.details).toEqual([
      { field: 'code', issue: 'Code is not in the expected format' },
    ]);
    // A plain HTML form post gets the same answer as a page.
    expect(form2.status).toBe(422);
    expect(String(form2.body)).toContain('code: Code is not in the expected format');
    const ok = await visitor.post(url, { ...body, code: 'aaab' });
    expect(ok.status).toBe(202);
  });

  it('checks the length limit before the pattern', async () => {
    const form = await owner.client.post('/api/forms', formWith('(a+)+b', 10));
    const res = await new Client(api.url).post(
      `/api/public/forms/${form.body.publicId}/submissions`,
      { email: 'ann@example.test', code: 'a'.repeat(5_000), _elapsed: 5000 },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { field: 'code', issue: 'Code must be at most 10 characters' },
    ]);
  });

  it('refuses at save a pattern RE2 cannot run, naming the field', async () => {
    for (const pattern of ['(a)\\1', '(?=x)x', '(?<!a)b']) {
      const res = await owner.client.post('/api/forms', formWith(pattern));
      expect(res.status, pattern).toBe(422);
      expect(res.body.error.details).toEqual([
        { field: 'fields.1.pattern', issue: expect.stringMatching(/cannot be checked safely/) },
      ]);
    }
    const created = await owner.client.post('/api/forms', formWith('[A-Z]{2}'));
    const put = await owner.client.request(
      'PUT',
      `/api/forms/${created.body.id}`,
      formWith('(a)\\1'),
    );
    expect(put.status).toBe(422);
  });
});
