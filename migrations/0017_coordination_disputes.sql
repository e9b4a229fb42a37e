CREATE TABLE "coordination_meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"place" text,
	"link" text,
	"participants" jsonb NOT NULL,
	"agenda" text,
	"scheduled_by" uuid NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coordination_minutes" (
	"meeting_id" uuid PRIMARY KEY NOT NULL,
	"minutes" text NOT NULL,
	"attendees" jsonb NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coordination_outcomes" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"fields" jsonb,
	"usage_months" integer,
	"conditions" text,
	"reasons" text,
	"legal_basis" jsonb,
	"decided_by" uuid NOT NULL,
	"decided_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coordination_positions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"party" text NOT NULL,
	"department_id" uuid NOT NULL,
	"author_user_id" uuid NOT NULL,
	"position" text NOT NULL,
	"attachment_ids" jsonb NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispute_decisions" (
	"dispute_id" uuid PRIMARY KEY NOT NULL,
	"decision" text NOT NULL,
	"reasons" text NOT NULL,
	"decided_by" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"decided_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"party" text NOT NULL,
	"department_id" uuid NOT NULL,
	"raised_by" uuid NOT NULL,
	"reasons" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"clock_id" uuid,
	CONSTRAINT "request_disputes_request_id_unique" UNIQUE("request_id")
);
--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "dispute_window_clock_id" uuid;--> statement-breakpoint
ALTER TABLE "coordination_meetings" ADD CONSTRAINT "coordination_meetings_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_meetings" ADD CONSTRAINT "coordination_meetings_scheduled_by_users_id_fk" FOREIGN KEY ("scheduled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_minutes" ADD CONSTRAINT "coordination_minutes_meeting_id_coordination_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."coordination_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_minutes" ADD CONSTRAINT "coordination_minutes_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_outcomes" ADD CONSTRAINT "coordination_outcomes_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_outcomes" ADD CONSTRAINT "coordination_outcomes_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_positions" ADD CONSTRAINT "coordination_positions_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_positions" ADD CONSTRAINT "coordination_positions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordination_positions" ADD CONSTRAINT "coordination_positions_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispute_decisions" ADD CONSTRAINT "dispute_decisions_dispute_id_request_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."request_disputes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispute_decisions" ADD CONSTRAINT "dispute_decisions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispute_decisions" ADD CONSTRAINT "dispute_decisions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_disputes" ADD CONSTRAINT "request_disputes_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_disputes" ADD CONSTRAINT "request_disputes_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_disputes" ADD CONSTRAINT "request_disputes_raised_by_users_id_fk" FOREIGN KEY ("raised_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_disputes" ADD CONSTRAINT "request_disputes_clock_id_sla_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."sla_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "coordination_meetings_request_idx" ON "coordination_meetings" USING btree ("request_id","starts_at");--> statement-breakpoint
CREATE INDEX "coordination_positions_request_idx" ON "coordination_positions" USING btree ("request_id","recorded_at");--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_dispute_window_clock_id_sla_clocks_id_fk" FOREIGN KEY ("dispute_window_clock_id") REFERENCES "public"."sla_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Coordination records, disputes and their decisions are kept as filed: the application adds, never changes.
REVOKE UPDATE, DELETE, TRUNCATE ON coordination_positions, coordination_meetings, coordination_minutes, coordination_outcomes, request_disputes, dispute_decisions FROM gongxiang_app;
