// What a campaign is validated against: everything in its workspace it may refer to.
import { BUILTIN_MERGE_TAGS, type CampaignProblem } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { AppError } from '../../http/errors.js';

/** Everything in the workspace a campaign may refer to. */
export async function validationContext(db: Db, workspaceId: string) {
  const [forms, identities, fields, leadKeys] = await Promise.all([
    db.form.findMany({
      where: { workspaceId },
      select: { id: true, name: true, status: true },
      orderBy: { createdAt: 'asc' },
    }),
    db.sendingIdentity.findMany({
      where: { workspaceId },
      select: { id: true, name: true, fromName: true, fromEmail: true, status: true },
      orderBy: { createdAt: 'asc' },
    }),
    db.formField.findMany({
      where: { form: { workspaceId } },
      select: { key: true },
      distinct: ['key'],
    }),
    // Keys of custom fields leads actually carry (imports, the API), sampled cheaply.
    db.$queryRaw<{ key: string }[]>`
      SELECT DISTINCT jsonb_object_keys("customFields") AS key
      FROM (SELECT "customFields" FROM "Lead" WHERE "workspaceId" = ${workspaceId}::uuid
            AND "customFields" <> '{}'::jsonb ORDER BY "createdAt" DESC LIMIT 1000) l`,
  ]);
  const builtins = new Set<string>(BUILTIN_MERGE_TAGS);
  const customFields = [...new Set([...fields.map((f) => f.key), ...leadKeys.map((k) => k.key)])]
    .filter((k) => !builtins.has(k))
    .sort();
  return {
    forms,
    identities,
    customFields,
    formIds: forms.map((f) => f.id),
    identityIds: identities.map((i) => i.id),
  };
}

/** A 422 listing every problem, each under the document path it concerns. */
export function problemsError(problems: CampaignProblem[], message: string): AppError {
  return new AppError(
    'validation_failed',
    message,
    problems.map((p) => ({ field: p.path || '(campaign)', issue: p.message })),
  );
}
