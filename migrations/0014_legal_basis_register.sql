CREATE TABLE "legal_bases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "legal_basis_versions" (
	"legal_basis_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"document_number" text,
	"article" text,
	"excerpt" text NOT NULL,
	"prohibits_sharing" boolean NOT NULL,
	"in_force" boolean NOT NULL,
	"note" text,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	CONSTRAINT "legal_basis_versions_legal_basis_id_version_pk" PRIMARY KEY("legal_basis_id","version")
);
--> statement-breakpoint
ALTER TABLE "written_explanations" ADD COLUMN "legal_basis_id" uuid;--> statement-breakpoint
ALTER TABLE "written_explanations" ADD COLUMN "legal_basis_version" integer;--> statement-breakpoint
ALTER TABLE "legal_basis_versions" ADD CONSTRAINT "legal_basis_versions_legal_basis_id_legal_bases_id_fk" FOREIGN KEY ("legal_basis_id") REFERENCES "public"."legal_bases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_basis_versions" ADD CONSTRAINT "legal_basis_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "written_explanations" ADD CONSTRAINT "written_explanations_legal_basis_fk" FOREIGN KEY ("legal_basis_id","legal_basis_version") REFERENCES "public"."legal_basis_versions"("legal_basis_id","version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A register version is what filed explanations cite: kept as written, never changed or removed.
REVOKE UPDATE, DELETE, TRUNCATE ON legal_basis_versions FROM gongxiang_app;
