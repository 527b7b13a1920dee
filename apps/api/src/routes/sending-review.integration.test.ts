// Messages awaiting review through the API: listed with recipient, time and reason; re-queued
// (back to queued with a fresh email.send job) or dismissed with a reason, one or many at once;
// another workspace's messages are never touched.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newMessageIdHeader } from '@kindling/sending';
import { QUEUES } from '@kindling/queue';
import type { Client } from '../../test/support/testing.js';
import { signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

const prefix = `test-review-${randomUUID().slice(0, 8)}`;
let api: TestApi;
let client: Client;
let workspaceId: string;
let other: { client: Client; workspaceId: string };
let queue: Queue;

beforeAll(async () => {
  api = await startTestApi({ queuePrefix: prefix });
  const a = await signUp(api, 'reviewer');
  client = a.client;
  workspaceId = a.me.workspace.id;
  const b = await signUp(api, 'other');
  other = { client: b.client, workspaceId: b.me.workspace.id };
  queue = new Queue(QUEUES.email, { connection: api.deps.redis, prefix });
});
afterAll(async () => {
  await queue?.obliterate({ force: true });
  await queue?.close();
  await api?.close();
});

const ambiguous = (ws: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      api.deps.db.message.create({
        data: {
          workspaceId: ws,
          kind: 'test',
          toEmail: `r${i}-${randomUUID().slice(0, 6)}@example.org`,
          subject: `hello ${i}`,
          html: '<p>hi</p>',
          messageIdHeader: newMessageIdHeader('review.example'),
          status: 'failed',
          attempts: 1,
          claimedAt: new Date(),
          claimedBy: 'dead:1',
          handedAt: new Date(Date.now() - 1000),
          reviewAt: new Date(),
          lastError: 'ambiguous: handed to SMTP at ... by worker dead:1, which stopped',
        },
      }),
    ),
  );

it('lists, re-queues and dismisses messages awaiting review, one or many, in its own workspace only', async () => {
  const mine = await ambiguous(workspaceId, 4);
  const theirs = await ambiguous(other.workspaceId, 1);

  const list = await client.get('/api/sending/review');
  expect(list.status).toBe(200);
  expect(list.body.total).toBe(4);
  expect(list.body.messages.map((m: { id: string }) => m.id).sort()).toEqual(
    mine.map((m) => m.id).sort(),
  );
  expect(list.body.messages[0]).toMatchObject({
    toEmail: expect.stringMatching(/@example\.org$/),
    reason: expect.stringMatching(/^ambiguous: handed to SMTP/),
    handedAt: expect.any(String),
    reviewAt: expect.any(String),
  });

  // One re-queued; another workspace's id in the same request is left alone.
  const one = await client.post('/api/sending/review/requeue', {
    ids: [mine[0]!.id, theirs[0]!.id],
  });
  expect(one.status).toBe(200);
  expect(one.body.ids).toEqual([mine[0]!.id]);
  const row = await api.deps.db.message.findUniqueOrThrow({ where: { id: mine[0]!.id } });
  expect(row).toMatchObject({ status: 'queued', reviewAt: null, handedAt: null, attempts: 0 });
  expect(row.lastError).toMatch(/^re-queued after review by /);
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
  expect(jobs.filter((j) => j.data.messageId === mine[0]!.id)).toHaveLength(1);
  // Re-queued once only: asking again does nothing.
  expect(
    (await client.post('/api/sending/review/requeue', { ids: [mine[0]!.id] })).body.ids,
  ).toEqual([]);

  // The rest dismissed in bulk, with the reason kept.
  const rest = mine.slice(1).map((m) => m.id);
  const noReason = await client.post('/api/sending/review/dismiss', { ids: rest, reason: ' ' });
  expect(noReason.status).toBe(422);
  const dismissed = await client.post('/api/sending/review/dismiss', {
    ids: rest,
    reason: 'the recipient confirmed it arrived',
  });
  expect(dismissed.body.ids.sort()).toEqual([...rest].sort());
  const closed = await api.deps.db.message.findMany({ where: { id: { in: rest } } });
  for (const m of closed) {
    expect(m).toMatchObject({ status: 'failed', reviewAt: null });
    expect(m.lastError).toMatch(
      /^dismissed after review by .*: the recipient confirmed it arrived \(was: ambiguous/,
    );
  }
  expect((await client.get('/api/sending/review')).body.total).toBe(0);
  // The other workspace's message is still waiting for its own people.
  expect((await other.client.get('/api/sending/review')).body.total).toBe(1);
  expect((await client.post('/api/sending/review/requeue', { ids: ['not-a-uuid'] })).status).toBe(
    422,
  );
});
