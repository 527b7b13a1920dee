-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "dnsBlocksActivation" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "IdentityDnsCheck" (
    "identityId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "checks" JSONB NOT NULL,
    "checkedAt" TIMESTAMPTZ(3) NOT NULL,
    "failingSince" TIMESTAMPTZ(3),

    CONSTRAINT "IdentityDnsCheck_pkey" PRIMARY KEY ("identityId")
);

-- CreateIndex
CREATE INDEX "IdentityDnsCheck_workspaceId_idx" ON "IdentityDnsCheck"("workspaceId");

-- CreateIndex
CREATE INDEX "IdentityDnsCheck_checkedAt_idx" ON "IdentityDnsCheck"("checkedAt");

-- AddForeignKey
ALTER TABLE "IdentityDnsCheck" ADD CONSTRAINT "IdentityDnsCheck_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "SendingIdentity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdentityDnsCheck" ADD CONSTRAINT "IdentityDnsCheck_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

