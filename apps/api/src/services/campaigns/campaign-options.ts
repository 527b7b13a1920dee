import { BUILTIN_MERGE_TAGS, type CampaignOptions } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { validationContext } from './validation-context.js';

/** Forms, sending identities and merge tags a campaign of the workspace may use. */
export async function campaignOptions(db: Db, workspaceId: string): Promise<CampaignOptions> {
  const ctx = await validationContext(db, workspaceId);
  return {
    forms: ctx.forms,
    identities: ctx.identities,
    customFields: ctx.customFields,
    builtinTags: [...BUILTIN_MERGE_TAGS],
  };
}
