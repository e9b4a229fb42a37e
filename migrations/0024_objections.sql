CREATE TABLE "data_marks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"objection_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"record_key" text NOT NULL,
	"field" text NOT NULL,
	"set_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "data_marks_objection_id_unique" UNIQUE("objection_id")
);
--> statement-breakpoint
CREATE TABLE "objection_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "objection_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"objection_id" uuid NOT NULL,
	"step_key" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_state" text,
	"to_state" text,
	"party" text NOT NULL,
	"actor_user_id" uuid,
	"actor_department_id" uuid,
	"reason" text,
	"details" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objection_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"objection_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objection_number_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objection_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"objection_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"department_id" uuid NOT NULL,
	"items" jsonb NOT NULL,
	"clock_id" uuid NOT NULL,
	"outcome" text,
	"value_before" text,
	"value_after" text,
	"correction_reference" text,
	"explanation" text,
	"decided_by_user_id" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"state" text NOT NULL,
	"result" text,
	"objector_department_id" uuid NOT NULL,
	"objector_user_id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"dataset_version" integer NOT NULL,
	"owner_department_id" uuid NOT NULL,
	"record_key" text NOT NULL,
	"field" text NOT NULL,
	"value_received" text NOT NULL,
	"value_claimed" text NOT NULL,
	"reason" text NOT NULL,
	"fused" boolean NOT NULL,
	"trace" jsonb,
	"round" integer DEFAULT 1 NOT NULL,
	"contested" boolean DEFAULT false NOT NULL,
	"clock_id" uuid,
	"policy_name" text NOT NULL,
	"policy_version" integer NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"workflow_started_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "objections_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "data_marks" ADD CONSTRAINT "data_marks_objection_id_objections_id_fk" FOREIGN KEY ("objection_id") REFERENCES "public"."objections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_marks" ADD CONSTRAINT "data_marks_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_events" ADD CONSTRAINT "objection_events_objection_id_objections_id_fk" FOREIGN KEY ("objection_id") REFERENCES "public"."objections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_events" ADD CONSTRAINT "objection_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_events" ADD CONSTRAINT "objection_events_actor_department_id_departments_id_fk" FOREIGN KEY ("actor_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_evidence" ADD CONSTRAINT "objection_evidence_objection_id_objections_id_fk" FOREIGN KEY ("objection_id") REFERENCES "public"."objections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_evidence" ADD CONSTRAINT "objection_evidence_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_tasks" ADD CONSTRAINT "objection_tasks_objection_id_objections_id_fk" FOREIGN KEY ("objection_id") REFERENCES "public"."objections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_tasks" ADD CONSTRAINT "objection_tasks_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_tasks" ADD CONSTRAINT "objection_tasks_clock_id_sla_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."sla_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_tasks" ADD CONSTRAINT "objection_tasks_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_objector_department_id_departments_id_fk" FOREIGN KEY ("objector_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_objector_user_id_users_id_fk" FOREIGN KEY ("objector_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_owner_department_id_departments_id_fk" FOREIGN KEY ("owner_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_clock_id_sla_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."sla_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_marks_open_idx" ON "data_marks" USING btree ("dataset_id","field") WHERE revoked_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "objection_events_step_key" ON "objection_events" USING btree ("objection_id","step_key");--> statement-breakpoint
CREATE INDEX "objection_events_objection_idx" ON "objection_events" USING btree ("objection_id","seq");--> statement-breakpoint
CREATE INDEX "objection_evidence_objection_idx" ON "objection_evidence" USING btree ("objection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "objection_tasks_round_department" ON "objection_tasks" USING btree ("objection_id","round","department_id");--> statement-breakpoint
CREATE INDEX "objection_tasks_department_idx" ON "objection_tasks" USING btree ("department_id","created_at");--> statement-breakpoint
CREATE INDEX "objections_objector_idx" ON "objections" USING btree ("objector_department_id","raised_at");--> statement-breakpoint
CREATE INDEX "objections_owner_idx" ON "objections" USING btree ("owner_department_id","raised_at");--> statement-breakpoint
CREATE INDEX "objections_dataset_idx" ON "objections" USING btree ("dataset_id","raised_at");--> statement-breakpoint
CREATE INDEX "objections_state_idx" ON "objections" USING btree ("state","raised_at");--> statement-breakpoint
CREATE INDEX "objections_unstarted_idx" ON "objections" USING btree ("raised_at") WHERE workflow_started_at is null;--> statement-breakpoint
-- Hand-written: an objection's history and its evidence are append-only; nothing of an objection is ever deleted.
REVOKE UPDATE, DELETE, TRUNCATE ON objection_events, objection_evidence FROM gongxiang_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON objections, objection_tasks, data_marks, objection_number_counters FROM gongxiang_app;
