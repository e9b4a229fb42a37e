CREATE TABLE "calendar_days" (
	"date" date PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"notice" text NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "calendar_days_kind_check" CHECK ("calendar_days"."kind" in ('holiday', 'makeup_workday'))
);
--> statement-breakpoint
CREATE TABLE "calendar_ordinals" (
	"date" date PRIMARY KEY NOT NULL,
	"working" boolean NOT NULL,
	"ordinal" integer NOT NULL,
	"provisional" boolean NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"summary" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"notice" text NOT NULL,
	"source" text NOT NULL,
	"version" integer NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "calendar_days_year_idx" ON "calendar_days" USING btree ("year");