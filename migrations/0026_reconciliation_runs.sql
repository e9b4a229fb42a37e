CREATE TABLE "reconciliation_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"checked" jsonb NOT NULL,
	"repairs" jsonb NOT NULL,
	"repair_count" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "reconciliation_runs_started_idx" ON "reconciliation_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_repaired_idx" ON "reconciliation_runs" USING btree ("repair_count","started_at");