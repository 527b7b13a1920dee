import type { Pool } from 'pg';
import { LEAD_EXPORT_COLUMNS, type LeadFacets } from '@kindling/shared';
import type { Db } from '@kindling/db';

/**
 * Values for the leads page's filter menus: tags, UTM sources and custom field keys (sampled
 * from the newest leads so the menus stay fast at a million rows), forms and campaigns.
 */
export async function leadFacets(db: Db, pgPool: Pool, workspaceId: string): Promise<LeadFacets> {
  const ws = workspaceId;
  const [tags, sources, keys, forms, campaigns] = await Promise.all([
    pgPool.query<{ tag: string }>(
      `SELECT DISTINCT unnest(tags) AS tag FROM (SELECT tags FROM "Lead" WHERE "workspaceId" = $1 ORDER BY "createdAt" DESC LIMIT 20000) s ORDER BY 1 LIMIT 200`,
      [ws],
    ),
    pgPool.query<{ s: string }>(
      `SELECT DISTINCT "firstUtmSource" AS s FROM (SELECT "firstUtmSource" FROM "Lead" WHERE "workspaceId" = $1 ORDER BY "createdAt" DESC LIMIT 20000) x WHERE "firstUtmSource" IS NOT NULL ORDER BY 1 LIMIT 100`,
      [ws],
    ),
    pgPool.query<{ k: string }>(
      `SELECT DISTINCT jsonb_object_keys("customFields") AS k FROM (SELECT "customFields" FROM "Lead" WHERE "workspaceId" = $1 ORDER BY "createdAt" DESC LIMIT 5000) x ORDER BY 1 LIMIT 100`,
      [ws],
    ),
    db.form.findMany({
      where: { workspaceId: ws },
      select: { id: true, name: true },
      orderBy: { createdAt: 'desc' },
    }),
    db.campaign.findMany({
      where: { workspaceId: ws },
      select: { id: true, name: true, status: true },
      orderBy: { createdAt: 'desc' },
    }),
  ]);
  return {
    tags: tags.rows.map((r) => r.tag),
    utmSources: sources.rows.map((r) => r.s),
    customFields: keys.rows.map((r) => r.k),
    exportColumns: [...LEAD_EXPORT_COLUMNS],
    forms,
    campaigns,
  };
}
