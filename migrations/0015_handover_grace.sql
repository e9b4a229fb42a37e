ALTER TABLE "sla_clocks" ADD COLUMN "handover_grace_days" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "grace_until" timestamp with time zone;