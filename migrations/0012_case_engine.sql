DROP INDEX "requests_deadline_idx";--> statement-breakpoint
DROP INDEX "supervisions_level_issued_key";--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "announce_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "supervision_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "level_two_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "reminded_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "reply_days" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "level_two_after_days" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "supervisions" ADD COLUMN "subject_type" text;--> statement-breakpoint
ALTER TABLE "supervisions" ADD COLUMN "subject_id" text;--> statement-breakpoint
ALTER TABLE "supervisions" ADD COLUMN "clock_id" uuid;--> statement-breakpoint
-- Hand-written: supervision belongs to the request's clocked step, and the clock keeps the
-- engine's state (the request's copies are dropped below).
UPDATE "supervisions" s SET "subject_type" = 'Request', "subject_id" = s."request_id"::text, "clock_id" = r."clock_id" FROM "requests" r WHERE r."id" = s."request_id";--> statement-breakpoint
UPDATE "sla_clocks" c SET "supervision_level" = r."supervision_level" FROM "requests" r WHERE r."clock_id" = c."id";--> statement-breakpoint
UPDATE "sla_clocks" c SET "reminded_for" = c."deadline_at" WHERE c."deadline_at" < now() OR c."state" = 'stopped';--> statement-breakpoint
ALTER TABLE "supervisions" ALTER COLUMN "subject_type" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "supervisions" ALTER COLUMN "subject_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "supervisions" ALTER COLUMN "clock_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "supervisions" ADD CONSTRAINT "supervisions_clock_id_sla_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."sla_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "requests_clock_idx" ON "requests" USING btree ("clock_id");--> statement-breakpoint
CREATE INDEX "sla_clocks_announce_idx" ON "sla_clocks" USING btree ("id") WHERE "sla_clocks"."announce_pending";--> statement-breakpoint
CREATE INDEX "supervisions_subject_idx" ON "supervisions" USING btree ("subject_type","subject_id","issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supervisions_level_issued_key" ON "supervisions" USING btree ("clock_id","level","issued_at");--> statement-breakpoint
ALTER TABLE "request_supplements" DROP COLUMN "due_at";--> statement-breakpoint
ALTER TABLE "requests" DROP COLUMN "deadline_at";--> statement-breakpoint
ALTER TABLE "requests" DROP COLUMN "deadline_date";--> statement-breakpoint
ALTER TABLE "requests" DROP COLUMN "overdue";--> statement-breakpoint
ALTER TABLE "requests" DROP COLUMN "supervision_level";