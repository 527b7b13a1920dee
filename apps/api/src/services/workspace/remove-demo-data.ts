// Removes the demo's data from the demo workspace in one transaction: every lead, form,
// campaign, message, event, identity, warm-up plan, suppression, caught mail and import in it.
// Members, settings, invites and API keys stay; the workspace is marked `removed`, so a restart
// of `npm start` never writes the demo again.
import type { Db } from '@kindling/db';
import type { Workspace } from '@kindling/shared';
import { AppError } from '../../http/errors.js';
import { workspaceView } from './views.js';

export async function removeDemoData(db: Db, workspaceId: string): Promise<Workspace> {
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  if (ws.demoData !== 'ready' && ws.demoData !== 'seeding')
    throw new AppError('conflict', 'This workspace holds no demo data');
  const where = { workspaceId };
  const updated = await db.$transaction(async (tx) => {
    // Children first where a foreign key would only be set to null.
    await tx.trackingEvent.deleteMany({ where });
    await tx.caughtMessage.deleteMany({ where });
    await tx.inboundReview.deleteMany({ where });
    await tx.message.deleteMany({ where });
    await tx.enrollment.deleteMany({ where });
    await tx.campaign.deleteMany({ where });
    await tx.formSubmission.deleteMany({ where });
    await tx.lead.deleteMany({ where });
    await tx.form.deleteMany({ where });
    await tx.suppression.deleteMany({ where });
    await tx.warmupPlan.deleteMany({ where });
    await tx.sendingIdentity.deleteMany({ where });
    await tx.leadImport.deleteMany({ where });
    return tx.workspace.update({ where: { id: workspaceId }, data: { demoData: 'removed' } });
  });
  return workspaceView(updated);
}
