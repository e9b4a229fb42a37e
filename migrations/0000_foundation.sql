CREATE TABLE "seed_runs" (
	"step" text PRIMARY KEY NOT NULL,
	"applied_at" timestamp with time zone NOT NULL
);
