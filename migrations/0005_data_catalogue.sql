CREATE TABLE "dataset_aggregation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dataset_id" uuid NOT NULL,
	"from_at" timestamp with time zone NOT NULL,
	"to_at" timestamp with time zone,
	"set_by" uuid,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "dataset_versions" (
	"dataset_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"library_kind" text NOT NULL,
	"basic_library" text,
	"update_frequency" text NOT NULL,
	"source_system" text NOT NULL,
	"fields" jsonb NOT NULL,
	"sharing_type" text NOT NULL,
	"conditions" jsonb,
	"condition_notes" text,
	"legal_basis" jsonb,
	"lineage" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "dataset_versions_dataset_id_version_pk" PRIMARY KEY("dataset_id","version")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"owner_department_id" uuid NOT NULL,
	"lifecycle" text NOT NULL,
	"current_version" integer NOT NULL,
	"aggregated" boolean DEFAULT false NOT NULL,
	"name" text NOT NULL,
	"sharing_type" text NOT NULL,
	"library_kind" text NOT NULL,
	"search_lexemes" text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_aggregation" ADD CONSTRAINT "dataset_aggregation_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_owner_department_id_departments_id_fk" FOREIGN KEY ("owner_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_aggregation_dataset_idx" ON "dataset_aggregation" USING btree ("dataset_id","from_at");--> statement-breakpoint
CREATE UNIQUE INDEX "datasets_code_key" ON "datasets" USING btree ("code");--> statement-breakpoint
CREATE INDEX "datasets_owner_idx" ON "datasets" USING btree ("owner_department_id");--> statement-breakpoint
CREATE INDEX "datasets_search_idx" ON "datasets" USING gin (array_to_tsvector("search_lexemes"));--> statement-breakpoint
CREATE INDEX "datasets_name_idx" ON "datasets" USING btree ("name","id");