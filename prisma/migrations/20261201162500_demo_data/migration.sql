-- CreateEnum
CREATE TYPE "DemoData" AS ENUM ('seeding', 'ready', 'removed');

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "demoData" "DemoData";

