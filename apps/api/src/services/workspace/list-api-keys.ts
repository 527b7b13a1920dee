import type { Db } from '@kindling/db';
import type { ApiKey } from '@kindling/shared';
import { apiKeyView } from './views.js';

/** API keys of the workspace (revoked ones too), newest first. */
export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKey[]> {
  const rows = await db.apiKey.findMany({
    where: { workspaceId },
    include: { createdBy: true },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map(apiKeyView);
}
