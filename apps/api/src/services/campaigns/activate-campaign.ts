import type { CampaignView, DnsCheck } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { validateCampaign } from '@kindling/campaigns';
import { AppError } from '../../http/errors.js';
import { toDocument, toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';
import { problemsError, validationContext } from './validation-context.js';

/** Validates the whole campaign and makes it active; every problem is listed in the 422. */
export async function activateCampaign(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CampaignView> {
  const c = await loadCampaign(db, workspaceId, id);
  if (c.status === 'active') return toView(c);
  if (c.status === 'archived')
    throw new AppError('conflict', 'An archived campaign cannot be activated');
  const problems = validateCampaign(toDocument(c), await validationContext(db, workspaceId));
  if (problems.length)
    throw problemsError(
      problems,
      `Fix ${problems.length} problem${problems.length === 1 ? '' : 's'} before activating`,
    );
  await refuseFailingDns(db, workspaceId, c.identityId);
  await db.campaign.update({
    where: { id: c.id },
    data: { status: 'active', activatedAt: c.activatedAt ?? new Date() },
  });
  return toView(await loadCampaign(db, workspaceId, c.id));
}

/** With the workspace's setting on, a campaign whose identity fails a DNS check stays inactive. */
async function refuseFailingDns(db: Db, workspaceId: string, identityId: string | null) {
  if (!identityId) return;
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { dnsBlocksActivation: true },
  });
  if (!ws.dnsBlocksActivation) return;
  const check = await db.identityDnsCheck.findUnique({ where: { identityId } });
  if (check?.status !== 'fail') return;
  const failing = (check.checks as DnsCheck[]).filter((k) => k.status === 'fail');
  throw new AppError(
    'conflict',
    `The sending identity fails ${failing.length} DNS check${failing.length === 1 ? '' : 's'} (${failing.map((k) => k.kind).join(', ')}): fix them in Sending, or turn off "DNS failures block activation" in Settings`,
    failing.map((k) => ({ field: `dns.${k.kind}`, issue: k.message })),
  );
}
