-- Read paths of the dashboard at city scale (bench/dashboard.ts, 1,000,000 requests).
-- The cohort figures read a period's fact rows from one index, without visiting the table.
CREATE INDEX "request_facts_cohort_idx" ON "request_facts" USING btree ("filed_date")
  INCLUDE ("track", "state", "outcome", "clock_open", "decided_date", "owner_department_id", "requester_department_id",
    "owner_district_id", "refused", "explained", "dispute_lost", "supplements", "owner_extensions_asked",
    "owner_extensions_approved", "owner_breaches");
--> statement-breakpoint
DROP INDEX "request_facts_filed_idx";
--> statement-breakpoint
-- Running steps already breached, whatever their deadline now (the due lists' second arm).
CREATE INDEX "sla_clocks_running_breached_idx" ON "sla_clocks" USING btree ("id") WHERE "state" = 'running' AND "outcome" = 'breached';
--> statement-breakpoint
-- Open steps under supervision (督办).
CREATE INDEX "sla_clocks_supervised_idx" ON "sla_clocks" USING btree ("id") WHERE "state" <> 'stopped' AND "supervision_level" > 0;
