-- AlterTable
ALTER TABLE "namespaces" ADD COLUMN     "http_allowed_targets" TEXT[] DEFAULT ARRAY[]::TEXT[];
