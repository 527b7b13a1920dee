// The leads search against real PostgreSQL: what it matches (email, first, last and full name,
// wildcards taken literally, one workspace only) and that the planner can answer it from the
// trigram index of migration 20261201153000_lead_search_trgm (the index expression and the
// query's must be the same text, or every search reads the whole table).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDb } from '@kindling/db';
import { leadSearchText, leadWhere, Params } from './filters.js';

const db = createDb(process.env.DATABASE_URL!, { poolSize: 2 });
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: 2 });
let workspaceId = '';
let otherWorkspaceId = '';

beforeAll(async () => {
  workspaceId = (await db.workspace.create({ data: { name: 'search test' } })).id;
  otherWorkspaceId = (await db.workspace.create({ data: { name: 'search test other' } })).id;
  await db.lead.createMany({
    data: [
      { workspaceId, email: 'ada@analytical.example', firstName: 'Ada', lastName: 'Lovelace' },
      { workspaceId, email: 'charles@engines.example', firstName: 'Charles', lastName: 'Babbage' },
      { workspaceId, email: 'grace@navy.example', firstName: 'Grace', lastName: null },
      { workspaceId, email: 'percent@example.org', firstName: '50%', lastName: 'off_sale' },
      { workspaceId: otherWorkspaceId, email: 'ada@other.example', firstName: 'Ada' },
    ],
  });
});
afterAll(async () => {
  await db.workspace.deleteMany({ where: { id: { in: [workspaceId, otherWorkspaceId] } } });
  await db.$disconnect();
  await pool.end();
});

async function search(q: string, ws = workspaceId): Promise<string[]> {
  const params = new Params();
  const where = leadWhere(ws, { q }, params);
  const { rows } = await pool.query<{ email: string }>(
    `SELECT l.email FROM "Lead" l WHERE ${where} ORDER BY l.email`,
    params.values,
  );
  return rows.map((r) => r.email);
}

describe('lead search', () => {
  it('matches a part of the email, the first name, the last name or the full name, in any case', async () => {
    expect(await search('ENGINES')).toEqual(['charles@engines.example']);
    expect(await search('ada')).toEqual(['ada@analytical.example']);
    expect(await search('babb')).toEqual(['charles@engines.example']);
    expect(await search('ada love')).toEqual(['ada@analytical.example']);
    expect(await search('grace')).toEqual(['grace@navy.example']);
    expect(await search('example')).toHaveLength(4);
  });

  it('takes % and _ literally and does not match across the email and the name', async () => {
    expect(await search('50%')).toEqual(['percent@example.org']);
    expect(await search('f_s')).toEqual(['percent@example.org']);
    expect(await search('%')).toEqual(['percent@example.org']);
    expect(await search('_')).toEqual(['percent@example.org']);
    expect(await search('example ada')).toEqual([]);
    expect(await search('nobody')).toEqual([]);
  });

  it('stays inside the workspace', async () => {
    expect(await search('ada', otherWorkspaceId)).toEqual(['ada@other.example']);
  });

  it('can be answered from the trigram index', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // The test table is tiny, so the planner would rightly scan it (or use the workspace's
      // index); forbid a scan and look at the search condition alone, to see whether the index
      // can serve the search's expression at all (at a million leads, bench csv-export times it).
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT l.id FROM "Lead" l WHERE ${leadSearchText('l')} LIKE $1`,
        ['%lovelace%'],
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('Lead_search_trgm_idx');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
