import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@kindling/db';
import { upsertLead } from './upsert.js';

let db: Db;
let workspaceId: string;

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL!, { poolSize: 8 });
  const ws = await db.workspace.create({ data: { name: `leads-upsert-${randomUUID()}` } });
  workspaceId = ws.id;
});
afterAll(async () => {
  await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
});

describe('upsertLead', () => {
  it('dedupes by lower-cased email, updates values and keeps first touch', async () => {
    const email = `Mixed-${randomUUID().slice(0, 8)}@Example.TEST`;
    const a = await upsertLead(db, {
      workspaceId,
      email,
      firstName: 'Ann',
      customFields: { company: 'Acme' },
      attribution: { utmSource: 'google', utmCampaign: 'spring', pageUrl: 'https://a.test/' },
    });
    expect(a.created).toBe(true);
    expect(a.lead.email).toBe(email.toLowerCase());
    expect(a.lead.firstUtmSource).toBe('google');

    const b = await upsertLead(db, {
      workspaceId,
      email: `  ${email.toUpperCase()} `,
      firstName: 'Anna',
      lastName: '',
      customFields: { role: 'CTO' },
      attribution: { utmSource: 'newsletter', pageUrl: 'https://b.test/' },
    });
    expect(b.created).toBe(false);
    expect(b.lead.id).toBe(a.lead.id);
    expect(b.lead.firstName).toBe('Anna');
    expect(b.lead.customFields).toEqual({ company: 'Acme', role: 'CTO' });
    expect(b.lead.firstUtmSource).toBe('google');
    expect(b.lead.firstPageUrl).toBe('https://a.test/');
  });

  it('leaves an unsubscribed lead unsubscribed', async () => {
    const email = `unsub-${randomUUID().slice(0, 8)}@example.test`;
    const { lead } = await upsertLead(db, { workspaceId, email });
    await db.lead.update({
      where: { id: lead.id },
      data: { status: 'unsubscribed', unsubscribedAt: new Date() },
    });
    const again = await upsertLead(db, { workspaceId, email, firstName: 'Back' });
    expect(again.lead.status).toBe('unsubscribed');
    expect(again.lead.firstName).toBe('Back');
  });

  it('merges concurrent upserts of one address into one lead', async () => {
    const email = `race-${randomUUID().slice(0, 8)}@example.test`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        upsertLead(db, { workspaceId, email, customFields: { [`k${i}`]: i } }),
      ),
    );
    expect(new Set(results.map((r) => r.lead.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const lead = await db.lead.findFirstOrThrow({ where: { workspaceId, email } });
    expect(Object.keys(lead.customFields as object).sort()).toEqual([
      'k0',
      'k1',
      'k2',
      'k3',
      'k4',
      'k5',
      'k6',
      'k7',
    ]);
  });
});
