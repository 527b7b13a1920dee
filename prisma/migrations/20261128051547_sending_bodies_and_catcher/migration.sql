-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "html" TEXT,
ADD COLUMN     "text" TEXT;

-- CreateTable
CREATE TABLE "CaughtMessage" (
    "id" UUID NOT NULL,
    "workspaceId" UUID,
    "messageId" UUID,
    "envelopeFrom" TEXT NOT NULL,
    "envelopeTo" TEXT[],
    "subject" TEXT NOT NULL DEFAULT '',
    "raw" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaughtMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CaughtMessage_workspaceId_receivedAt_idx" ON "CaughtMessage"("workspaceId", "receivedAt" DESC);

-- AddForeignKey
ALTER TABLE "CaughtMessage" ADD CONSTRAINT "CaughtMessage_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

