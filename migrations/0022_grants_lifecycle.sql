CREATE TABLE "grant_catalogue_impacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"grant_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"dataset_version" integer NOT NULL,
	"kind" text NOT NULL,
	"fields_removed" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grant_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "grant_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"grant_id" uuid NOT NULL,
	"step_key" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_state" text,
	"to_state" text,
	"party" text NOT NULL,
	"actor_user_id" uuid,
	"actor_department_id" uuid,
	"reason" text,
	"details" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grant_supervision_notices" (
	"key" text PRIMARY KEY NOT NULL,
	"grant_id" uuid,
	"department_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"day" date NOT NULL,
	"reason" text NOT NULL,
	"fields_outside" jsonb NOT NULL,
	"first_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by_user_id" uuid,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "service_clients_name_unique" UNIQUE("name")
);
--> statement-breakpoint
DROP INDEX "grants_requester_idx";--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "expiry_reminder_days" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "workflow_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "renews_grant_id" uuid;--> statement-breakpoint
ALTER TABLE "grant_catalogue_impacts" ADD CONSTRAINT "grant_catalogue_impacts_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_catalogue_impacts" ADD CONSTRAINT "grant_catalogue_impacts_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_events" ADD CONSTRAINT "grant_events_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_events" ADD CONSTRAINT "grant_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_events" ADD CONSTRAINT "grant_events_actor_department_id_departments_id_fk" FOREIGN KEY ("actor_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_supervision_notices" ADD CONSTRAINT "grant_supervision_notices_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_supervision_notices" ADD CONSTRAINT "grant_supervision_notices_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_supervision_notices" ADD CONSTRAINT "grant_supervision_notices_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_clients" ADD CONSTRAINT "service_clients_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grant_catalogue_impacts_once" ON "grant_catalogue_impacts" USING btree ("grant_id","dataset_version","kind");--> statement-breakpoint
CREATE INDEX "grant_catalogue_impacts_at_idx" ON "grant_catalogue_impacts" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "grant_events_step_key" ON "grant_events" USING btree ("grant_id","step_key");--> statement-breakpoint
CREATE INDEX "grant_events_grant_idx" ON "grant_events" USING btree ("grant_id","seq");--> statement-breakpoint
CREATE INDEX "grant_supervision_notices_dataset_idx" ON "grant_supervision_notices" USING btree ("dataset_id","day");--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_renews_grant_id_grants_id_fk" FOREIGN KEY ("renews_grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "grants_dataset_idx" ON "grants" USING btree ("dataset_id","valid_to");--> statement-breakpoint
CREATE INDEX "grants_check_idx" ON "grants" USING btree ("requester_department_id","dataset_id");--> statement-breakpoint
CREATE INDEX "grants_unstarted_idx" ON "grants" USING btree ("created_at") WHERE workflow_started_at is null;--> statement-breakpoint
CREATE INDEX "grants_requester_idx" ON "grants" USING btree ("requester_department_id","valid_to");--> statement-breakpoint
-- Hand-written: a grant's history is append-only, and every grant issued before it starts with its issue.
REVOKE UPDATE, DELETE, TRUNCATE ON grant_events, grant_supervision_notices, grant_catalogue_impacts FROM gongxiang_app;
--> statement-breakpoint
UPDATE grants g SET expiry_reminder_days = (p.settings ->> 'grantExpiryReminderDays')::integer
FROM requests r JOIN policy_profiles p ON p.name = r.policy_name AND p.version = r.policy_version
WHERE r.id = g.request_id AND p.settings ? 'grantExpiryReminderDays';
--> statement-breakpoint
INSERT INTO grant_events (grant_id, step_key, kind, at, from_state, to_state, party, details)
SELECT id, 'issued', 'issued', created_at, NULL, state, 'center', jsonb_build_object('number', number, 'requestId', request_id)
FROM grants;
--> statement-breakpoint
-- Usage records (安全监管): every check the exchange asks, append-only, partitioned by month of the
-- check (Asia/Shanghai months start at 16:00 UTC; a partition per UTC month is simpler and the
-- reports filter by instant anyway). A default partition takes what no month partition holds, so
-- no record is ever refused; the worker creates the months ahead (ensure_grant_usage_partitions).
CREATE SEQUENCE grant_usage_id_seq;
--> statement-breakpoint
CREATE TABLE grant_usage (
  id bigint NOT NULL DEFAULT nextval('grant_usage_id_seq'),
  checked_at timestamptz NOT NULL,
  client_id uuid NOT NULL,
  grant_id uuid,
  department_id uuid NOT NULL,
  dataset_id uuid NOT NULL,
  scenario_id uuid,
  fields text[] NOT NULL,
  allowed boolean NOT NULL,
  reason text,
  fields_outside text[] NOT NULL DEFAULT '{}',
  http_request_id text
) PARTITION BY RANGE (checked_at);
--> statement-breakpoint
ALTER SEQUENCE grant_usage_id_seq OWNED BY grant_usage.id;
--> statement-breakpoint
CREATE INDEX grant_usage_grant_idx ON grant_usage (grant_id, checked_at);
--> statement-breakpoint
CREATE INDEX grant_usage_department_idx ON grant_usage (department_id, checked_at);
--> statement-breakpoint
CREATE INDEX grant_usage_dataset_idx ON grant_usage (dataset_id, checked_at);
--> statement-breakpoint
CREATE TABLE grant_usage_default PARTITION OF grant_usage DEFAULT;
--> statement-breakpoint
-- Daily counts per grant (or department and dataset without one), outcome and field, kept by the
-- same transaction that writes the records: the reports and the per-grant view read these.
CREATE TABLE grant_usage_daily (
  day date NOT NULL,
  grant_id uuid,
  department_id uuid NOT NULL,
  dataset_id uuid NOT NULL,
  allowed boolean NOT NULL,
  reason text NOT NULL,
  checks bigint NOT NULL,
  CONSTRAINT grant_usage_daily_key UNIQUE NULLS NOT DISTINCT (day, grant_id, department_id, dataset_id, allowed, reason)
);
--> statement-breakpoint
CREATE INDEX grant_usage_daily_grant_idx ON grant_usage_daily (grant_id, day);
--> statement-breakpoint
CREATE INDEX grant_usage_daily_department_idx ON grant_usage_daily (department_id, day);
--> statement-breakpoint
CREATE INDEX grant_usage_daily_dataset_idx ON grant_usage_daily (dataset_id, day);
--> statement-breakpoint
CREATE TABLE grant_usage_field_daily (
  day date NOT NULL,
  grant_id uuid,
  department_id uuid NOT NULL,
  dataset_id uuid NOT NULL,
  field text NOT NULL,
  allowed boolean NOT NULL,
  uses bigint NOT NULL,
  CONSTRAINT grant_usage_field_daily_key UNIQUE NULLS NOT DISTINCT (day, grant_id, department_id, dataset_id, field, allowed)
);
--> statement-breakpoint
CREATE INDEX grant_usage_field_daily_grant_idx ON grant_usage_field_daily (grant_id, day);
--> statement-breakpoint
CREATE INDEX grant_usage_field_daily_department_idx ON grant_usage_field_daily (department_id, day);
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON grant_usage, grant_usage_default FROM gongxiang_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON grant_usage_daily, grant_usage_field_daily FROM gongxiang_app;
--> statement-breakpoint
-- The month partitions from `from_month` for `months` months; the app role may call it (the
-- partitions belong to the migration role and are append-only for the app like their parent).
CREATE FUNCTION ensure_grant_usage_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  created integer := 0;
  month_start date;
  name text;
BEGIN
  FOR i IN 0 .. months - 1 LOOP
    month_start := (date_trunc('month', from_month) + make_interval(months => i))::date;
    name := 'grant_usage_' || to_char(month_start, 'YYYYMM');
    IF to_regclass(name) IS NULL THEN
      -- A month that already has rows in the default partition stays there (creating it would fail).
      IF NOT EXISTS (
        SELECT 1 FROM grant_usage_default
        WHERE checked_at >= month_start::timestamp AT TIME ZONE 'UTC'
          AND checked_at < (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC'
      ) THEN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF grant_usage FOR VALUES FROM (%L) TO (%L)',
          name,
          month_start::timestamp AT TIME ZONE 'UTC',
          (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC'
        );
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM gongxiang_app', name);
        created := created + 1;
      END IF;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ensure_grant_usage_partitions(date, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ensure_grant_usage_partitions(date, integer) TO gongxiang_app;
--> statement-breakpoint
SELECT ensure_grant_usage_partitions(date '2026-01-01', 24);
