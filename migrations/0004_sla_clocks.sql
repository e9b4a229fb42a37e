CREATE TABLE "sla_clock_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clock_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"deadline_before" timestamp with time zone,
	"deadline_after" timestamp with time zone,
	"calendar_version" integer NOT NULL,
	"details" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_clocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"step" text NOT NULL,
	"charged_party" text NOT NULL,
	"workflow_id" text,
	"policy_profile" text NOT NULL,
	"policy_version" integer NOT NULL,
	"state" text NOT NULL,
	"working_days" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"basis_at" timestamp with time zone NOT NULL,
	"basis_days" integer NOT NULL,
	"extension_days" integer DEFAULT 0 NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"deadline_date" date NOT NULL,
	"provisional" boolean NOT NULL,
	"calendar_version" integer NOT NULL,
	"paused_at" timestamp with time zone,
	"remaining_at_pause" integer,
	"breached_at" timestamp with time zone,
	"outcome" text,
	"stopped_at" timestamp with time zone,
	"extension" jsonb
);
--> statement-breakpoint
ALTER TABLE "sla_clock_events" ADD CONSTRAINT "sla_clock_events_clock_id_sla_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."sla_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sla_clock_events_clock_idx" ON "sla_clock_events" USING btree ("clock_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_clocks_step_key" ON "sla_clocks" USING btree ("subject_type","subject_id","step","started_at");--> statement-breakpoint
CREATE INDEX "sla_clocks_open_idx" ON "sla_clocks" USING btree ("state","deadline_at");--> statement-breakpoint
CREATE INDEX "sla_clocks_subject_idx" ON "sla_clocks" USING btree ("subject_type","subject_id");