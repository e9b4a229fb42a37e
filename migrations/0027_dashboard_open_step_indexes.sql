-- The dashboard's "open now" figures for the center's and the authority's own steps read only
-- running request clocks charged to them, and extensions waiting for a decision: a few thousand
-- rows among millions of clocks. Partial indexes answer both without visiting the table
-- (before: 90 ms through sla_clocks_open_idx and 140 ms through sla_clocks_extension_day_idx on a
-- year of city-scale history, finding no pending extension).
CREATE INDEX "sla_clocks_running_party_idx" ON "sla_clocks" USING btree ("charged_party", "step")
  INCLUDE ("subject_id", "deadline_at", "outcome")
  WHERE "state" = 'running' AND "subject_type" = 'Request' AND "charged_party" IN ('center', 'authority');
--> statement-breakpoint
CREATE INDEX "sla_clocks_request_extension_pending_idx" ON "sla_clocks" USING btree ("deadline_at")
  WHERE ("extension"->>'decision') = 'pending' AND "subject_type" = 'Request';
--> statement-breakpoint
-- A department's decisions by decision day (its trends, on either side), without the whole city's day.
CREATE INDEX "request_facts_owner_decided_idx" ON "request_facts" USING btree ("owner_department_id", "decided_date")
  WHERE "decided_date" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "request_facts_requester_decided_idx" ON "request_facts" USING btree ("requester_department_id", "decided_date")
  WHERE "decided_date" IS NOT NULL;
