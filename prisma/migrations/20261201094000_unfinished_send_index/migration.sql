-- Messages still on their way (not sent, bounced, failed or suppressed), by enrollment: the drip
-- engine runs the next step of an enrollment only when it has none (packages/campaigns/src/order.ts).
-- Partial, so it holds only the few unfinished messages. The Prisma schema cannot declare a
-- partial index, and schema-to-schema diffs (npm run db:migration) leave it alone.
-- (No semicolons or apostrophes in these comments: the offline schema engine splits on them.)
CREATE INDEX "Message_unfinished_enrollment_idx" ON "Message" ("enrollmentId")
  WHERE status NOT IN ('sent', 'bounced', 'failed', 'suppressed');
