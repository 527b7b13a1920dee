// The one rule that keeps a drip's emails in order: an enrollment runs its next step only once
// every email it already produced has reached a final status (sent, or finally failed:
// bounced, failed, suppressed). Without it a lost send job (Redis flush, failover) or a long
// throttle hold lets step 2 overtake step 1. The sweep selects only enrollments passing it, so a
// blocked enrollment costs no job, and runStep's row claim repeats it, so a job that was queued
// before (or by another worker) cannot slip past. The partial index
// "Message_unfinished_enrollment_idx" (prisma/migrations, Prisma cannot declare it) holds only
// unfinished messages, so the check is one probe into a small index per enrollment.
import { Prisma } from '@kindling/db';

/** Statuses after which nothing more happens to a message unless a person re-queues it. */
export const FINAL_MESSAGE_STATUSES = ['sent', 'bounced', 'failed', 'suppressed'] as const;

// Inlined as literals, not bound parameters: the planner uses a partial index only when the
// query's predicate matches the index's, which it cannot prove for parameters.
const finalList = Prisma.raw(FINAL_MESSAGE_STATUSES.map((s) => `'${s}'`).join(', '));

/** SQL condition: the enrollment aliased `e` has no message still on its way. */
export const noUnfinishedSend = Prisma.sql`NOT EXISTS (
  SELECT 1 FROM "Message" pm
  WHERE pm."enrollmentId" = e.id AND pm.status NOT IN (${finalList}))`;
