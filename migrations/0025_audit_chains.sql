-- The audit ledger in parallel hash chains (issue #18): an append locks only its chain, so
-- concurrent changes no longer wait on one ledger-wide lock. The ledger as it was becomes chain 0,
-- each entry keeping its hash (a chain-0 entry's canonical content is what it always was); `seq`
-- keeps ordering the whole ledger, now taken from a sequence at insert.
CREATE SEQUENCE "public"."audit_entries_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
SELECT setval('audit_entries_seq', coalesce((SELECT max("seq") FROM "audit_entries"), 0) + 1, false);--> statement-breakpoint
ALTER TABLE "audit_entries" ALTER COLUMN "seq" SET DEFAULT nextval('audit_entries_seq');--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "chain" integer NOT NULL DEFAULT 0;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "chain_seq" bigint;--> statement-breakpoint
UPDATE "audit_entries" SET "chain_seq" = "seq";--> statement-breakpoint
ALTER TABLE "audit_entries" ALTER COLUMN "chain_seq" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_entries" ALTER COLUMN "chain" DROP DEFAULT;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_chain_key" ON "audit_entries" USING btree ("chain","chain_seq");--> statement-breakpoint
-- The application takes numbers from the sequence (USAGE) but may not move it (UPDATE: setval).
GRANT USAGE, SELECT ON SEQUENCE "audit_entries_seq" TO gongxiang_app;
