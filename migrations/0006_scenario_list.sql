CREATE TABLE "scenario_list_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"summary" text NOT NULL,
	"snapshot" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scenarios" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"lead_department_id" uuid NOT NULL,
	"description" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"on_key_list" boolean DEFAULT false NOT NULL,
	"coverage" jsonb NOT NULL,
	"retired" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scenarios" ADD CONSTRAINT "scenarios_lead_department_id_departments_id_fk" FOREIGN KEY ("lead_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scenarios_lead_idx" ON "scenarios" USING btree ("lead_department_id");