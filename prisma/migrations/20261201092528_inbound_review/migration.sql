-- CreateEnum
CREATE TYPE "InboundReviewSource" AS ENUM ('smtp', 'ses');

-- CreateEnum
CREATE TYPE "InboundReviewReason" AS ENUM ('no_token', 'bad_signature', 'unknown_message', 'conflicting_tokens');

-- CreateTable
CREATE TABLE "InboundReview" (
    "id" UUID NOT NULL,
    "workspaceId" UUID,
    "messageId" UUID,
    "source" "InboundReviewSource" NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" "InboundReviewReason" NOT NULL,
    "envelopeFrom" TEXT NOT NULL DEFAULT '',
    "envelopeTo" TEXT NOT NULL DEFAULT '',
    "namedRecipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "excerpt" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundReview_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboundReview_workspaceId_receivedAt_idx" ON "InboundReview"("workspaceId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "InboundReview_receivedAt_idx" ON "InboundReview"("receivedAt");

-- AddForeignKey
ALTER TABLE "InboundReview" ADD CONSTRAINT "InboundReview_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

