-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "lastImportId" UUID;

-- CreateTable
CREATE TABLE "LeadImport" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'uploaded',
    "fileName" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "delimiter" TEXT NOT NULL,
    "columns" JSONB NOT NULL,
    "preview" JSONB NOT NULL,
    "suggestedMapping" JSONB NOT NULL,
    "mapping" JSONB,
    "tag" TEXT,
    "campaignId" UUID,
    "rowsRead" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "enrolled" INTEGER NOT NULL DEFAULT 0,
    "committedLine" INTEGER NOT NULL DEFAULT 0,
    "batches" INTEGER NOT NULL DEFAULT 0,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "heartbeatAt" TIMESTAMPTZ(3),
    "error" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeadImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeadImportChunk" (
    "importId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "LeadImportChunk_pkey" PRIMARY KEY ("importId","seq")
);

-- CreateTable
CREATE TABLE "LeadImportReport" (
    "importId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "lines" TEXT NOT NULL,

    CONSTRAINT "LeadImportReport_pkey" PRIMARY KEY ("importId","seq")
);

-- CreateIndex
CREATE INDEX "LeadImport_status_heartbeatAt_idx" ON "LeadImport"("status", "heartbeatAt");

-- CreateIndex
CREATE INDEX "LeadImport_createdAt_idx" ON "LeadImport"("createdAt");

-- AddForeignKey
ALTER TABLE "LeadImport" ADD CONSTRAINT "LeadImport_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeadImportChunk" ADD CONSTRAINT "LeadImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "LeadImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeadImportReport" ADD CONSTRAINT "LeadImportReport_importId_fkey" FOREIGN KEY ("importId") REFERENCES "LeadImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The file's bytes are CSV text read once in order: stored out of line without compression
-- (pglz costs more CPU than the space it saves is worth for a file deleted after the import).
ALTER TABLE "LeadImportChunk" ALTER COLUMN "data" SET STORAGE EXTERNAL;
