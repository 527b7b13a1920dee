-- CreateTable
CREATE TABLE "MailDomainProvider" (
    "domain" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "mxHosts" TEXT[],
    "checkedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MailDomainProvider_pkey" PRIMARY KEY ("domain")
);

