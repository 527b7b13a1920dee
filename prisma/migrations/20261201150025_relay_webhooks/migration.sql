-- CreateEnum
CREATE TYPE "RelayKind" AS ENUM ('none', 'ses', 'mailgun', 'postmark', 'sendgrid', 'brevo', 'resend');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "InboundReviewSource" ADD VALUE 'mailgun';
ALTER TYPE "InboundReviewSource" ADD VALUE 'postmark';
ALTER TYPE "InboundReviewSource" ADD VALUE 'sendgrid';
ALTER TYPE "InboundReviewSource" ADD VALUE 'brevo';
ALTER TYPE "InboundReviewSource" ADD VALUE 'resend';

-- AlterEnum
ALTER TYPE "InboundReviewReason" ADD VALUE 'unverified';

-- AlterTable
ALTER TABLE "SendingIdentity" ADD COLUMN     "relayKeyEncrypted" TEXT,
ADD COLUMN     "relayKind" "RelayKind" NOT NULL DEFAULT 'none';

