// The review queue of unverifiable inbound reports: each workspace's admins see and dismiss the
// items that claim to concern their workspace, nobody else's; members do not see them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { storeForReview } from '@kindling/sending';
import { signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ queuePrefix: `test-review-${randomUUID().slice(0, 8)}` });
});
afterAll(async () => {
  await api?.close();
});

async function heldFor(workspaceId: string) {
  const msg = await api.deps.db.message.create({
    data: {
      workspaceId,
      toEmail: `lead-${randomUUID().slice(0, 6)}@example.org`,
      subject: 's',
      messageIdHeader: `<${randomUUID()}@review.example>`,
      status: 'sent',
    },
  });
  // Attributed through the unproven Message-ID, exactly as the listener and webhook do it.
  const id = await storeForReview(api.deps.db, {
    source: 'smtp',
    kind: 'arf',
    reason: 'no_token',
    envelopeTo: 'fbl@kindling.test',
    namedRecipients: ['victim@example.org', null, 'victim@example.org'],
    raw: `Feedback-Type: abuse\r\nMessage-ID: ${msg.messageIdHeader}\u0000`,
    refs: { messageIdHeader: msg.messageIdHeader },
  });
  return { id, msg };
}

it('lists a workspace’s held reports to its admins only, and dismisses them', async () => {
  const a = await signUp(api, 'review-a');
  const b = await signUp(api, 'review-b');
  const heldA = await heldFor(a.me.workspace.id);
  const heldB = await heldFor(b.me.workspace.id);

  const list = await a.client.get('/api/sending/inbound-reviews');
  expect(list.status).toBe(200);
  expect(list.body).toEqual([
    expect.objectContaining({
      id: heldA.id,
      messageId: heldA.msg.id,
      kind: 'arf',
      reason: 'no_token',
      namedRecipients: ['victim@example.org'],
      excerpt: `Feedback-Type: abuse\r\nMessage-ID: ${heldA.msg.messageIdHeader}`,
    }),
  ]);
  // Another workspace's item is a 404, and stays.
  expect((await a.client.delete(`/api/sending/inbound-reviews/${heldB.id}`)).status).toBe(404);
  expect(await api.deps.db.inboundReview.count({ where: { id: heldB.id } })).toBe(1);

  // A member of the workspace is refused.
  await api.deps.db.membership.updateMany({
    where: { workspaceId: a.me.workspace.id, userId: a.me.user.id },
    data: { role: 'member' },
  });
  expect((await a.client.get('/api/sending/inbound-reviews')).status).toBe(403);
  await api.deps.db.membership.updateMany({
    where: { workspaceId: a.me.workspace.id, userId: a.me.user.id },
    data: { role: 'owner' },
  });

  expect((await a.client.delete(`/api/sending/inbound-reviews/${heldA.id}`)).status).toBe(204);
  expect((await a.client.get('/api/sending/inbound-reviews')).body).toEqual([]);
});
