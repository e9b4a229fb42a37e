CREATE TABLE "grant_number_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "number" text;--> statement-breakpoint
-- Hand-written: grants issued before numbers get theirs in order of issue within their (Asia/Shanghai) year.
-- The dashboard's facts do not read it: their trigger sits out the backfill.
ALTER TABLE "grants" DISABLE TRIGGER "request_facts_grants";
--> statement-breakpoint
UPDATE "grants" g SET "number" = 'SQ-' || n.year || '-' || lpad(n.seq::text, 6, '0')
FROM (
  SELECT id, extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
    row_number() OVER (PARTITION BY extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai') ORDER BY created_at, id) AS seq
  FROM "grants"
) n WHERE n.id = g.id;
--> statement-breakpoint
ALTER TABLE "grants" ENABLE TRIGGER "request_facts_grants";
--> statement-breakpoint
INSERT INTO "grant_number_counters" ("year", "last")
SELECT split_part("number", '-', 2)::int, max(split_part("number", '-', 3)::int) FROM "grants" GROUP BY 1;
--> statement-breakpoint
ALTER TABLE "grants" ALTER COLUMN "number" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_number_unique" UNIQUE("number");
