-- What the last SMTP answer of a message meant (packages/sending smtp-answers.ts).
ALTER TABLE "Message" ADD COLUMN "smtpClass" TEXT;
