ALTER TABLE "supervisions" DROP CONSTRAINT "supervisions_request_id_requests_id_fk";
--> statement-breakpoint
ALTER TABLE "supervisions" DROP COLUMN "request_id";