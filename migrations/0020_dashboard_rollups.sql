CREATE TABLE "request_fact_day_spans" (
	"filed_date" date NOT NULL,
	"owner_department_id" uuid NOT NULL,
	"owner_district_id" uuid,
	"track" integer NOT NULL,
	"days" integer NOT NULL,
	"requests" integer NOT NULL,
	CONSTRAINT "request_fact_day_spans_filed_date_owner_department_id_track_days_pk" PRIMARY KEY("filed_date","owner_department_id","track","days")
);
--> statement-breakpoint
CREATE TABLE "request_fact_days" (
	"filed_date" date NOT NULL,
	"owner_department_id" uuid NOT NULL,
	"owner_district_id" uuid,
	"track" integer NOT NULL,
	"state" text NOT NULL,
	"requests" integer NOT NULL,
	"met" integer NOT NULL,
	"breached" integer NOT NULL,
	"open_breached" integer NOT NULL,
	"decided" integer NOT NULL,
	"open" integer NOT NULL,
	"refusals" integer NOT NULL,
	"explained" integer NOT NULL,
	"disputes_lost" integer NOT NULL,
	"supplements" integer NOT NULL,
	"extensions_asked" integer NOT NULL,
	"extensions_approved" integer NOT NULL,
	"breaches" integer NOT NULL,
	CONSTRAINT "request_fact_days_filed_date_owner_department_id_track_state_pk" PRIMARY KEY("filed_date","owner_department_id","track","state")
);
--> statement-breakpoint
CREATE TABLE "request_fact_decision_days" (
	"decided_date" date NOT NULL,
	"owner_department_id" uuid NOT NULL,
	"owner_district_id" uuid,
	"track" integer NOT NULL,
	"decisions" integer NOT NULL,
	CONSTRAINT "request_fact_decision_days_decided_date_owner_department_id_track_pk" PRIMARY KEY("decided_date","owner_department_id","track")
);
--> statement-breakpoint
CREATE TABLE "request_fact_stale_days" (
	"day" date NOT NULL,
	"kind" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_step_days" (
	"day" date NOT NULL,
	"step" text NOT NULL,
	"handled" integer NOT NULL,
	"working_days" integer NOT NULL,
	"breached" integer NOT NULL,
	CONSTRAINT "request_step_days_day_step_pk" PRIMARY KEY("day","step")
);
--> statement-breakpoint
CREATE INDEX "request_fact_stale_days_idx" ON "request_fact_stale_days" USING btree ("kind","day");
--> statement-breakpoint
-- Hand-written: what the rollups hold, as views over the facts (a refresh re-inserts a stale day's rows from them).
CREATE VIEW "request_fact_day_source" AS
SELECT f.filed_date, f.owner_department_id, f.owner_district_id, f.track, f.state,
  count(*)::int AS requests,
  count(*) FILTER (WHERE f.outcome = 'met')::int AS met,
  count(*) FILTER (WHERE f.outcome = 'breached')::int AS breached,
  count(*) FILTER (WHERE f.outcome = 'breached' AND f.clock_open)::int AS open_breached,
  count(*) FILTER (WHERE f.decided_date IS NOT NULL)::int AS decided,
  count(*) FILTER (WHERE f.clock_open)::int AS open,
  count(*) FILTER (WHERE f.refused)::int AS refusals,
  count(*) FILTER (WHERE f.explained)::int AS explained,
  count(*) FILTER (WHERE f.dispute_lost)::int AS disputes_lost,
  sum(f.supplements)::int AS supplements,
  sum(f.owner_extensions_asked)::int AS extensions_asked,
  sum(f.owner_extensions_approved)::int AS extensions_approved,
  sum(f.owner_breaches)::int AS breaches
FROM request_facts f
GROUP BY f.filed_date, f.owner_department_id, f.owner_district_id, f.track, f.state;
--> statement-breakpoint
CREATE VIEW "request_fact_span_source" AS
SELECT f.filed_date, f.owner_department_id, f.owner_district_id, f.track, dc.ordinal - fo.ordinal AS days, count(*)::int AS requests
FROM request_facts f
JOIN calendar_ordinals fo ON fo.date = f.filed_date
JOIN calendar_ordinals dc ON dc.date = f.decided_date
GROUP BY f.filed_date, f.owner_department_id, f.owner_district_id, f.track, dc.ordinal - fo.ordinal;
--> statement-breakpoint
CREATE VIEW "request_fact_decision_source" AS
SELECT f.decided_date, f.owner_department_id, f.owner_district_id, f.track, count(*)::int AS decisions
FROM request_facts f
WHERE f.decided_date IS NOT NULL
GROUP BY f.decided_date, f.owner_department_id, f.owner_district_id, f.track;
--> statement-breakpoint
-- The Asia/Shanghai day of an instant the platform wrote as ISO 8601 text with its offset (as in
-- sla_clocks.extension): declared immutable, which such text is (it parses the same under every
-- TimeZone and DateStyle), so the steps' view and an index can share it.
CREATE FUNCTION shanghai_day_of(instant text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ((instant::timestamptz) AT TIME ZONE 'Asia/Shanghai')::date $$;
--> statement-breakpoint
-- A stale day's steps are read through these (the refresh, and figures before it).
CREATE INDEX "sla_clocks_extension_day_idx" ON "sla_clocks" USING btree (shanghai_day_of("extension"->>'decidedAt'))
  WHERE "extension" IS NOT NULL AND "subject_type" = 'Request';
--> statement-breakpoint
CREATE INDEX "supervisions_charged_day_idx" ON "supervisions" USING btree ((("issued_at" AT TIME ZONE 'Asia/Shanghai')::date))
  WHERE "subject_type" = 'Request' AND "level" = 1 AND "charged_party" IN ('center', 'authority');
--> statement-breakpoint
-- The center's and the authority's steps per day: done (by the day done) and breached (by the day
-- the level-1 notice was issued). A breach charged to the center on a track-15 step before the
-- coordination's outcome was the coordination's.
CREATE VIEW "request_step_day_source" AS
SELECT x.day, x.step, sum(x.handled)::int AS handled, sum(x.days)::int AS working_days, sum(x.breached)::int AS breached
FROM (
  SELECT f.granted_date AS day, 'provisioning' AS step, 1 AS handled, g.ordinal - s.ordinal AS days, 0 AS breached
  FROM request_facts f
  JOIN calendar_ordinals g ON g.date = f.granted_date
  JOIN calendar_ordinals s ON s.date = CASE WHEN f.track = 1 THEN f.filed_date ELSE coalesce(f.decided_date, f.filed_date) END
  UNION ALL
  SELECT f.coordination_date, 'coordination', 1, c.ordinal - s.ordinal, 0
  FROM request_facts f
  JOIN calendar_ordinals c ON c.date = f.coordination_date
  JOIN calendar_ordinals s ON s.date = f.filed_date
  UNION ALL
  SELECT shanghai_day_of(x.extension->>'decidedAt'), 'extension_decisions', 1, d.ordinal - a.ordinal, 0
  FROM sla_clocks x
  JOIN calendar_ordinals d ON d.date = shanghai_day_of(x.extension->>'decidedAt')
  JOIN calendar_ordinals a ON a.date = ((x.extension->>'requestedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
  WHERE x.extension IS NOT NULL AND x.subject_type = 'Request'
  UNION ALL
  SELECT d.date, 'dispute_decisions', 1, d.ordinal - a.ordinal, 0
  FROM dispute_decisions dd
  JOIN request_disputes rq ON rq.id = dd.dispute_id
  JOIN calendar_ordinals d ON d.date = (dd.decided_at AT TIME ZONE 'Asia/Shanghai')::date
  JOIN calendar_ordinals a ON a.date = (rq.raised_at AT TIME ZONE 'Asia/Shanghai')::date
  UNION ALL
  SELECT (s.issued_at AT TIME ZONE 'Asia/Shanghai')::date,
    CASE WHEN s.charged_party = 'authority' THEN 'dispute_decisions'
         WHEN c.step = 'track15' AND (co.decided_at IS NULL OR s.issued_at < co.decided_at) THEN 'coordination'
         ELSE 'provisioning' END, 0, 0, 1
  FROM supervisions s
  JOIN sla_clocks c ON c.id = s.clock_id
  LEFT JOIN coordination_outcomes co ON co.request_id = s.subject_id::uuid
  WHERE s.subject_type = 'Request' AND s.level = 1 AND s.charged_party IN ('center', 'authority')
) x
GROUP BY x.day, x.step;
--> statement-breakpoint
-- A fact that changed marks its filing day, its decision, grant and coordination days before and
-- after, stale. An update that changes nothing is skipped (and marks nothing).
CREATE OR REPLACE FUNCTION refresh_request_fact(target uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  before_filed date;
  before_decided date;
  before_granted date;
  before_coordinated date;
  after_filed date;
  after_decided date;
  after_granted date;
  after_coordinated date;
BEGIN
  SELECT filed_date, decided_date, granted_date, coordination_date INTO before_filed, before_decided, before_granted, before_coordinated
  FROM request_facts WHERE request_id = target;
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
    center_breaches = excluded.center_breaches, authority_breaches = excluded.authority_breaches
  WHERE (request_facts.*) IS DISTINCT FROM (excluded.*)
  RETURNING filed_date, decided_date, granted_date, coordination_date INTO after_filed, after_decided, after_granted, after_coordinated;
  IF NOT FOUND THEN RETURN; END IF;
  INSERT INTO request_fact_stale_days (day, kind)
  SELECT DISTINCT d.day, d.kind FROM (VALUES (before_filed, 'filed'), (after_filed, 'filed'),
    (before_decided, 'decided'), (after_decided, 'decided'), (before_granted, 'step'), (after_granted, 'step'),
    (before_coordinated, 'step'), (after_coordinated, 'step')) AS d (day, kind)
  WHERE d.day IS NOT NULL;
END
$$;
--> statement-breakpoint
-- Folds the stale days back into the rollups; one refresher at a time (two would both re-insert a day).
CREATE FUNCTION refresh_request_fact_rollups() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  filed date[];
  decided date[];
  steps date[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('refresh_request_fact_rollups'));
  -- Markers a concurrent, uncommitted change inserts are not taken: they stay for the next refresh.
  WITH taken AS (DELETE FROM request_fact_stale_days RETURNING day, kind)
  SELECT coalesce(array_agg(DISTINCT day) FILTER (WHERE kind = 'filed'), '{}'),
         coalesce(array_agg(DISTINCT day) FILTER (WHERE kind = 'decided'), '{}'),
         coalesce(array_agg(DISTINCT day) FILTER (WHERE kind = 'step'), '{}')
  INTO filed, decided, steps FROM taken;
  DELETE FROM request_fact_days WHERE filed_date = ANY (filed);
  INSERT INTO request_fact_days SELECT * FROM request_fact_day_source WHERE filed_date = ANY (filed);
  DELETE FROM request_fact_day_spans WHERE filed_date = ANY (filed);
  INSERT INTO request_fact_day_spans SELECT * FROM request_fact_span_source WHERE filed_date = ANY (filed);
  DELETE FROM request_fact_decision_days WHERE decided_date = ANY (decided);
  INSERT INTO request_fact_decision_days SELECT * FROM request_fact_decision_source WHERE decided_date = ANY (decided);
  DELETE FROM request_step_days WHERE day = ANY (steps);
  INSERT INTO request_step_days SELECT * FROM request_step_day_source WHERE day = ANY (steps);
  RETURN cardinality(filed) + cardinality(decided) + cardinality(steps);
END
$$;
--> statement-breakpoint
-- Rebuilds the facts and the rollups from their views (after a bulk load, or to repair).
CREATE OR REPLACE FUNCTION rebuild_request_facts() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  written bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('refresh_request_fact_rollups'));
  DELETE FROM request_facts;
  INSERT INTO request_facts SELECT * FROM request_fact_source;
  GET DIAGNOSTICS written = ROW_COUNT;
  DELETE FROM request_fact_stale_days;
  DELETE FROM request_fact_days;
  INSERT INTO request_fact_days SELECT * FROM request_fact_day_source;
  DELETE FROM request_fact_day_spans;
  INSERT INTO request_fact_day_spans SELECT * FROM request_fact_span_source;
  DELETE FROM request_fact_decision_days;
  INSERT INTO request_fact_decision_days SELECT * FROM request_fact_decision_source;
  DELETE FROM request_step_days;
  INSERT INTO request_step_days SELECT * FROM request_step_day_source;
  RETURN written;
END
$$;
--> statement-breakpoint
-- The steps' days a fact does not carry: a breach notice's issue day (and, once the coordination
-- has its outcome, the issue days of the request's notices, which it may reclassify), an
-- extension decision's day, a dispute decision's day.
CREATE OR REPLACE FUNCTION request_fact_trigger() RETURNS trigger
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
  -- Nested: PL/pgSQL evaluates a condition whole, and NEW has another table's columns.
  IF TG_TABLE_NAME = 'supervisions' THEN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO request_fact_stale_days (day, kind) VALUES ((NEW.issued_at AT TIME ZONE 'Asia/Shanghai')::date, 'step');
    END IF;
  ELSIF TG_TABLE_NAME = 'coordination_outcomes' THEN
    INSERT INTO request_fact_stale_days (day, kind)
    SELECT DISTINCT (s.issued_at AT TIME ZONE 'Asia/Shanghai')::date, 'step' FROM supervisions s
    WHERE s.subject_type = 'Request' AND s.subject_id = NEW.request_id::text;
  ELSIF TG_TABLE_NAME = 'sla_clocks' THEN
    IF NEW.extension->>'decidedAt' IS NOT NULL THEN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO request_fact_stale_days (day, kind)
        VALUES (((NEW.extension->>'decidedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, 'step');
      ELSIF OLD.extension IS DISTINCT FROM NEW.extension THEN
        INSERT INTO request_fact_stale_days (day, kind)
        VALUES (((NEW.extension->>'decidedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, 'step');
      END IF;
    END IF;
  ELSIF TG_TABLE_NAME = 'dispute_decisions' THEN
    INSERT INTO request_fact_stale_days (day, kind) VALUES ((NEW.decided_at AT TIME ZONE 'Asia/Shanghai')::date, 'step');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Working days to decide and the steps' working days follow the calendar: a publication or correction marks every day stale.
CREATE FUNCTION request_fact_calendar_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  INSERT INTO request_fact_stale_days (day, kind) SELECT DISTINCT filed_date, 'filed' FROM request_fact_day_spans;
  INSERT INTO request_fact_stale_days (day, kind) SELECT day, 'step' FROM request_step_days;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER request_fact_calendar AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_ordinals
FOR EACH STATEMENT EXECUTE FUNCTION request_fact_calendar_trigger();
--> statement-breakpoint
SELECT rebuild_request_facts();
--> statement-breakpoint
-- Only the triggers and the refresh write the rollups; the application reads them and calls the refresh.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON request_fact_days, request_fact_day_spans, request_fact_decision_days, request_step_days,
  request_fact_stale_days FROM gongxiang_app;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION refresh_request_fact_rollups() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION refresh_request_fact_rollups() TO gongxiang_app;
