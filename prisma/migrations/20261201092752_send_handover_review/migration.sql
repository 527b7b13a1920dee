-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "handedAt" TIMESTAMPTZ(3),
ADD COLUMN     "reviewAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "SendWorker" (
    "id" TEXT NOT NULL,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SendWorker_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Message_workspaceId_reviewAt_idx" ON "Message"("workspaceId", "reviewAt");

