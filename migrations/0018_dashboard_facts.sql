CREATE TABLE "request_facts" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"track" integer NOT NULL,
	"state" text NOT NULL,
	"owner_department_id" uuid NOT NULL,
	"requester_department_id" uuid NOT NULL,
	"owner_district_id" uuid,
	"requester_district_id" uuid,
	"filed_at" timestamp with time zone NOT NULL,
	"filed_date" date NOT NULL,
	"decided_date" date,
	"granted_date" date,
	"outcome" text,
	"clock_open" boolean NOT NULL,
	"deadline_date" date,
	"refused" boolean NOT NULL,
	"explained" boolean NOT NULL,
	"disputed" boolean NOT NULL,
	"dispute_lost" boolean NOT NULL,
	"coordination_date" date,
	"supplements" integer NOT NULL,
	"owner_extensions_asked" integer NOT NULL,
	"owner_extensions_approved" integer NOT NULL,
	"owner_breaches" integer NOT NULL,
	"center_breaches" integer NOT NULL,
	"authority_breaches" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "request_facts_filed_idx" ON "request_facts" USING btree ("filed_date","track");--> statement-breakpoint
CREATE INDEX "request_facts_owner_idx" ON "request_facts" USING btree ("owner_department_id","filed_date");--> statement-breakpoint
CREATE INDEX "request_facts_requester_idx" ON "request_facts" USING btree ("requester_department_id","filed_date");--> statement-breakpoint
CREATE INDEX "request_facts_decided_idx" ON "request_facts" USING btree ("decided_date");--> statement-breakpoint
-- Hand-written: what the dashboard counts per filed request, as one set-based view (the plain
-- scan). request_facts keeps its rows equal to it: every change to a table it reads refreshes the
-- request's row in the same transaction, through the triggers below.
CREATE VIEW "request_fact_source" AS
SELECT
  r.id AS request_id,
  r.number,
  r.track,
  r.state,
  r.owner_department_id,
  r.requester_department_id,
  CASE WHEN od.level = 'city' THEN NULL WHEN op.level = 'district' THEN op.id ELSE od.id END AS owner_district_id,
  CASE WHEN rd.level = 'city' THEN NULL WHEN rp.level = 'district' THEN rp.id ELSE rd.id END AS requester_district_id,
  r.filed_at,
  (r.filed_at AT TIME ZONE 'Asia/Shanghai')::date AS filed_date,
  (coalesce(r.decided_at, g.created_at) AT TIME ZONE 'Asia/Shanghai')::date AS decided_date,
  (g.created_at AT TIME ZONE 'Asia/Shanghai')::date AS granted_date,
  -- The track step as the dashboard counts it: met when it ended in time with a decision;
  -- breached when late and decided or still open; otherwise (open in time, or ended without a
  -- decision: withdrawn, lapsed) not counted.
  CASE
    WHEN tc.outcome = 'met' AND coalesce(r.decided_at, g.created_at) IS NOT NULL THEN 'met'
    WHEN tc.outcome = 'breached' AND (coalesce(r.decided_at, g.created_at) IS NOT NULL OR tc.state <> 'stopped') THEN 'breached'
  END AS outcome,
  coalesce(tc.state <> 'stopped', false) AS clock_open,
  tc.deadline_date,
  (we.request_id IS NOT NULL OR coalesce(co.outcome = 'not_to_share', false) OR rq.id IS NOT NULL
    OR r.state IN ('not_to_share', 'explanation_due', 'refused', 'disputed')) AS refused,
  we.request_id IS NOT NULL AS explained,
  rq.id IS NOT NULL AS disputed,
  coalesce(dd.decision = 'ordered', false) AS dispute_lost,
  (co.decided_at AT TIME ZONE 'Asia/Shanghai')::date AS coordination_date,
  (SELECT count(*)::int FROM request_supplements s WHERE s.request_id = r.id) AS supplements,
  ck.owner_extensions_asked,
  ck.owner_extensions_approved,
  sv.owner_breaches,
  sv.center_breaches,
  sv.authority_breaches
FROM requests r
JOIN departments od ON od.id = r.owner_department_id
LEFT JOIN departments op ON op.id = od.parent_id
JOIN departments rd ON rd.id = r.requester_department_id
LEFT JOIN departments rp ON rp.id = rd.parent_id
LEFT JOIN sla_clocks tc ON tc.subject_type = 'Request' AND tc.subject_id = r.id::text AND tc.step = 'track' || r.track AND tc.started_at = r.filed_at
LEFT JOIN grants g ON g.request_id = r.id
LEFT JOIN written_explanations we ON we.request_id = r.id
LEFT JOIN coordination_outcomes co ON co.request_id = r.id
LEFT JOIN request_disputes rq ON rq.request_id = r.id
LEFT JOIN dispute_decisions dd ON dd.dispute_id = rq.id
CROSS JOIN LATERAL (
  SELECT
    count(*) FILTER (WHERE c.extension IS NOT NULL AND coalesce(c.extension->>'party', c.charged_party) = 'owner')::int AS owner_extensions_asked,
    count(*) FILTER (WHERE c.extension->>'decision' = 'approved' AND coalesce(c.extension->>'party', c.charged_party) = 'owner')::int AS owner_extensions_approved
  FROM sla_clocks c WHERE c.subject_type = 'Request' AND c.subject_id = r.id::text
) ck
CROSS JOIN LATERAL (
  SELECT
    count(*) FILTER (WHERE s.level = 1 AND s.charged_party = 'owner')::int AS owner_breaches,
    count(*) FILTER (WHERE s.level = 1 AND s.charged_party = 'center')::int AS center_breaches,
    count(*) FILTER (WHERE s.level = 1 AND s.charged_party = 'authority')::int AS authority_breaches
  FROM supervisions s WHERE s.subject_type = 'Request' AND s.subject_id = r.id::text
) sv
WHERE r.filed_at IS NOT NULL AND r.track IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "request_facts_filed_at_idx" ON "request_facts" USING btree ("filed_at" DESC, "request_id" DESC);
--> statement-breakpoint
CREATE INDEX "request_facts_granted_idx" ON "request_facts" USING btree ("granted_date") WHERE "granted_date" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "request_facts_coordination_idx" ON "request_facts" USING btree ("coordination_date") WHERE "coordination_date" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "supervisions_issued_idx" ON "supervisions" USING btree ("issued_at");
--> statement-breakpoint
CREATE INDEX "dispute_decisions_decided_idx" ON "dispute_decisions" USING btree ("decided_at");
--> statement-breakpoint
CREATE INDEX "sla_clocks_extension_decided_idx" ON "sla_clocks" USING btree (("extension"->>'decidedAt')) WHERE "extension" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "sla_clocks_extension_pending_idx" ON "sla_clocks" USING btree ("id") WHERE "extension"->>'decision' = 'pending';
--> statement-breakpoint
CREATE FUNCTION refresh_request_fact(target uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  INSERT INTO request_facts SELECT * FROM request_fact_source WHERE request_id = target
  ON CONFLICT (request_id) DO UPDATE SET
    number = excluded.number, track = excluded.track, state = excluded.state,
    owner_department_id = excluded.owner_department_id, requester_department_id = excluded.requester_department_id,
    owner_district_id = excluded.owner_district_id, requester_district_id = excluded.requester_district_id,
    filed_at = excluded.filed_at, filed_date = excluded.filed_date, decided_date = excluded.decided_date,
    granted_date = excluded.granted_date, outcome = excluded.outcome, clock_open = excluded.clock_open,
    deadline_date = excluded.deadline_date, refused = excluded.refused, explained = excluded.explained,
    disputed = excluded.disputed, dispute_lost = excluded.dispute_lost, coordination_date = excluded.coordination_date,
    supplements = excluded.supplements, owner_extensions_asked = excluded.owner_extensions_asked,
    owner_extensions_approved = excluded.owner_extensions_approved, owner_breaches = excluded.owner_breaches,
    center_breaches = excluded.center_breaches, authority_breaches = excluded.authority_breaches;
END
$$;
--> statement-breakpoint
-- Rebuilds every row from the view (after a bulk load, or to repair): what the fixture test compares.
CREATE FUNCTION rebuild_request_facts() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  written bigint;
BEGIN
  DELETE FROM request_facts;
  INSERT INTO request_facts SELECT * FROM request_fact_source;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$$;
--> statement-breakpoint
CREATE FUNCTION request_fact_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  subject uuid;
BEGIN
  IF TG_TABLE_NAME = 'requests' THEN
    subject := NEW.id;
  ELSIF TG_TABLE_NAME IN ('sla_clocks', 'supervisions') THEN
    IF NEW.subject_type <> 'Request' THEN RETURN NULL; END IF;
    subject := NEW.subject_id::uuid;
  ELSIF TG_TABLE_NAME = 'dispute_decisions' THEN
    SELECT request_id INTO subject FROM request_disputes WHERE id = NEW.dispute_id;
  ELSE
    subject := NEW.request_id;
  END IF;
  PERFORM refresh_request_fact(subject);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER request_facts_requests AFTER INSERT OR UPDATE ON requests FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_clocks AFTER INSERT OR UPDATE ON sla_clocks FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_supervisions AFTER INSERT OR UPDATE ON supervisions FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_supplements AFTER INSERT ON request_supplements FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_grants AFTER INSERT OR UPDATE ON grants FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_explanations AFTER INSERT ON written_explanations FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_outcomes AFTER INSERT ON coordination_outcomes FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_disputes AFTER INSERT ON request_disputes FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
CREATE TRIGGER request_facts_dispute_decisions AFTER INSERT ON dispute_decisions FOR EACH ROW EXECUTE FUNCTION request_fact_trigger();
--> statement-breakpoint
SELECT rebuild_request_facts();
--> statement-breakpoint
-- Only the triggers write the facts; the application reads them.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON request_facts FROM gongxiang_app;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION rebuild_request_facts() FROM PUBLIC;
