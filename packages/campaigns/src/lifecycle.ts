// Pause and resume, per campaign and per enrollment. A paused campaign keeps its enrollments'
// schedule; the sweep simply skips it, and on resume every step that fell due runs (inside the
// send window). A paused enrollment is skipped until resumed.
import type { Db } from '@kindling/db';

/** Sets a campaign's status to paused (only from active); returns false when not applicable. */
export async function pauseCampaign(
  db: Db,
  workspaceId: string,
  campaignId: string,
): Promise<boolean> {
  const { count } = await db.campaign.updateMany({
    where: { id: campaignId, workspaceId, status: 'active' },
    data: { status: 'paused' },
  });
  return count === 1;
}

/** Resumes a paused campaign; due enrollments run at the next sweep. */
export async function resumeCampaign(
  db: Db,
  workspaceId: string,
  campaignId: string,
): Promise<boolean> {
  const { count } = await db.campaign.updateMany({
    where: { id: campaignId, workspaceId, status: 'paused' },
    data: { status: 'active' },
  });
  return count === 1;
}

/** Pauses one live enrollment. */
export async function pauseEnrollment(
  db: Db,
  workspaceId: string,
  enrollmentId: string,
): Promise<boolean> {
  const { count } = await db.enrollment.updateMany({
    where: { id: enrollmentId, workspaceId, status: 'active' },
    data: { status: 'paused' },
  });
  return count === 1;
}

/** Resumes one paused enrollment where it stopped; a step that fell due meanwhile runs next sweep. */
export async function resumeEnrollment(
  db: Db,
  workspaceId: string,
  enrollmentId: string,
): Promise<boolean> {
  const { count } = await db.enrollment.updateMany({
    where: { id: enrollmentId, workspaceId, status: 'paused' },
    data: { status: 'active' },
  });
  return count === 1;
}
