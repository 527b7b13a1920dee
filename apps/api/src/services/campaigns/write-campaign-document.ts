import { Prisma, type Db } from '@kindling/db';
import type { DocumentWithIds } from './step-ids.js';

/**
 * Writes a builder document in one transaction. Steps keep their ids: a changed step applies to
 * enrollments that have not reached it yet; a removed step is soft-deleted and enrollments
 * waiting on it move on to the next step at once (the runner hands them over).
 */
export async function writeCampaignDocument(
  db: Db,
  campaignId: string,
  doc: DocumentWithIds,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx: Prisma.TransactionClient) => {
    const existing = await tx.campaignStep.findMany({ where: { campaignId } });
    const keep = new Set(doc.steps.map((s) => s.id));
    const removed = existing.filter((s) => !s.deletedAt && !keep.has(s.id));
    await tx.campaign.update({
      where: { id: campaignId },
      data: {
        name: doc.name,
        identityId: doc.identityId,
        sendWindow: doc.sendWindow ?? Prisma.DbNull,
        exitRules: doc.exitRules,
        allowReenroll: doc.allowReenroll,
        trackOpens: doc.trackOpens,
        trackClicks: doc.trackClicks,
      },
    });
    await tx.campaignTrigger.deleteMany({ where: { campaignId } });
    if (doc.triggers.length) {
      await tx.campaignTrigger.createMany({
        data: doc.triggers.map((t) => ({
          campaignId,
          type: t.type,
          formId: t.type === 'form_submission' ? t.formId : null,
          tag: t.type === 'tag_added' ? t.tag : null,
        })),
      });
    }
    if (removed.length) {
      await tx.enrollment.updateMany({
        where: {
          campaignId,
          currentStepId: { in: removed.map((s) => s.id) },
          status: { in: ['active', 'paused'] },
        },
        data: { nextRunAt: now },
      });
    }
    // Live steps take even positions; every removed step (now or earlier) takes the odd slot just
    // before the step that followed it, so the runner hands a lead waiting on it to that step.
    const newPos = new Map(doc.steps.map((s, i) => [s.id, 2 * i]));
    const oldOrder = [...existing].sort((a, b) => a.position - b.position);
    for (const [i, s] of oldOrder.entries()) {
      if (newPos.has(s.id)) continue;
      const follower = oldOrder.slice(i + 1).find((t) => newPos.has(t.id));
      await tx.campaignStep.update({
        where: { id: s.id },
        data: {
          deletedAt: s.deletedAt ?? now,
          position: follower ? newPos.get(follower.id)! - 1 : 2 * doc.steps.length + 1,
        },
      });
    }
    const own = new Map(existing.map((s) => [s.id, s]));
    for (const [i, s] of doc.steps.entries()) {
      const position = 2 * i;
      if (own.has(s.id)) {
        await tx.campaignStep.update({
          where: { id: s.id },
          data: { position, type: s.type, config: s.config, deletedAt: null },
        });
      } else {
        await tx.campaignStep.create({
          data: { id: s.id, campaignId, position, type: s.type, config: s.config },
        });
      }
    }
  });
}
