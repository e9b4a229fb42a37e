/**
 * The whole relational schema, in one place. Migrations are generated from this file by
 * `drizzle-kit generate` (see drizzle.config.ts); hand-written SQL (roles, grants, triggers)
 * lives in drizzle-kit's custom migrations beside them.
 */
import { sql } from 'drizzle-orm';
import {
  customType,
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Demo-data steps applied by `./scripts/start`, so a second start reuses the data. */
export const seedRuns = pgTable('seed_runs', {
  step: text('step').primaryKey(),
  appliedAt: instant('applied_at').notNull(),
});

// ── Identity ─────────────────────────────────────────────────────────────────────────────────

export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    level: text('level', { enum: ['city', 'district', 'street'] }).notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => departments.id),
    isDataCenter: boolean('is_data_center').notNull().default(false),
    isCompetentAuthority: boolean('is_competent_authority').notNull().default(false),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('departments_code_key').on(t.code),
    check('departments_level_check', sql`${t.level} in ('city', 'district', 'street')`),
    // One city, one big-data center and one competent authority: requests and escalations name them.
    uniqueIndex('departments_one_data_center')
      .on(t.isDataCenter)
      .where(sql`${t.isDataCenter}`),
    uniqueIndex('departments_one_competent_authority')
      .on(t.isCompetentAuthority)
      .where(sql`${t.isCompetentAuthority}`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    roles: text('roles').array().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_username_key').on(t.username), index('users_department_idx').on(t.departmentId)],
);

// ── Audit ledger ─────────────────────────────────────────────────────────────────────────────

/** The ledger's one order across its chains: taken at insert, under the entry's chain lock. */
export const auditEntriesSeq = pgSequence('audit_entries_seq');

/**
 * Append-only and hash-chained, in parallel chains: each entry commits to the previous entry of
 * its chain (`chain`, `chain_seq`, gapless) and to its own canonical content; `seq` orders the
 * whole ledger. The application's database role may only SELECT and INSERT here (see the grants
 * migration). Chain 0 holds the ledger as it was before the chains (migration 0025).
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    seq: bigint('seq', { mode: 'number' })
      .primaryKey()
      .default(sql`nextval('audit_entries_seq')`),
    chain: integer('chain').notNull(),
    chainSeq: bigint('chain_seq', { mode: 'number' }).notNull(),
    occurredAt: instant('occurred_at').notNull(),
    actorUserId: uuid('actor_user_id'),
    actorDepartmentId: uuid('actor_department_id'),
    actorRole: text('actor_role').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_chain_key').on(t.chain, t.chainSeq),
    index('audit_subject_idx').on(t.subjectType, t.subjectId, t.seq),
    index('audit_actor_department_idx').on(t.actorDepartmentId, t.seq),
    index('audit_occurred_idx').on(t.occurredAt),
  ],
);

// ── Idempotency ──────────────────────────────────────────────────────────────────────────────

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still being processed. */
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_expires_idx').on(t.expiresAt)],
);

// ── Notifications ────────────────────────────────────────────────────────────────────────────

/** Written in the business transaction; delivered afterwards by Temporal activities. */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    kind: text('kind').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: instant('created_at').notNull(),
    dispatchedAt: instant('dispatched_at'),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.dispatchedAt} is null`),
  ],
);

/** A department's in-console inbox; one row per delivered outbox entry. */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    outboxId: uuid('outbox_id')
      .primaryKey()
      .references(() => notificationOutbox.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    kind: text('kind').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: instant('created_at').notNull(),
    readAt: instant('read_at'),
    readBy: uuid('read_by'),
  },
  (t) => [index('inbox_department_idx').on(t.departmentId, t.createdAt)],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    url: text('url').notNull(),
    /** HMAC-SHA256 key shown once at creation. */
    secret: text('secret').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: instant('created_at').notNull(),
    createdBy: uuid('created_by').notNull(),
  },
  (t) => [index('webhooks_department_idx').on(t.departmentId)],
);

/** One row per (outbox entry, webhook); every retry of the delivery keeps its id. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id),
    outboxId: uuid('outbox_id')
      .notNull()
      .references(() => notificationOutbox.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    // `sending` while an attempt holds the delivery (claimed, not yet answered); no SQL change.
    status: text('status', { enum: ['pending', 'sending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastAttemptAt: instant('last_attempt_at'),
    deliveredAt: instant('delivered_at'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_pair_key').on(t.outboxId, t.webhookId),
    index('webhook_deliveries_department_idx').on(t.departmentId, t.createdAt),
  ],
);

// ── Working-day calendar ─────────────────────────────────────────────────────────────────────

/** Every change to the calendar (a year published or corrected) makes a new version. */
export const calendarVersions = pgTable('calendar_versions', {
  version: integer('version').primaryKey(),
  createdAt: instant('created_at').notNull(),
  summary: text('summary').notNull(),
});

/** Years whose State Council schedule is published; any other year is provisional. */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  notice: text('notice').notNull(),
  source: text('source').notNull(),
  version: integer('version').notNull(),
  publishedAt: instant('published_at').notNull(),
});

/** The exceptional dates of published years: holidays and make-up working days (调休上班). */
export const calendarDays = pgTable(
  'calendar_days',
  {
    date: date('date', { mode: 'string' }).primaryKey(),
    year: integer('year').notNull(),
    kind: text('kind', { enum: ['holiday', 'makeup_workday'] }).notNull(),
    name: text('name').notNull(),
    notice: text('notice').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [index('calendar_days_year_idx').on(t.year), check('calendar_days_kind_check', sql`${t.kind} in ('holiday', 'makeup_workday')`)],
);

/**
 * Per date, the running count of working days (the ordinal), so SQL can compute working-day
 * ages and remaining days for dashboards: remaining = ordinal(deadline) − ordinal(today).
 * Rewritten whenever the calendar changes.
 */
export const calendarOrdinals = pgTable('calendar_ordinals', {
  date: date('date', { mode: 'string' }).primaryKey(),
  working: boolean('working').notNull(),
  ordinal: integer('ordinal').notNull(),
  provisional: boolean('provisional').notNull(),
  version: integer('version').notNull(),
});

// ── SLA clocks ───────────────────────────────────────────────────────────────────────────────

/** One timed step of a request, grant or objection (see src/sla/rules/clock.ts). */
export const slaClocks = pgTable(
  'sla_clocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    step: text('step').notNull(),
    /** The party whose step it is: a breach is charged to it. */
    chargedParty: text('charged_party').notNull(),
    /** The workflow keeping a timer on this clock; signalled when the deadline moves. */
    workflowId: text('workflow_id'),
    policyProfile: text('policy_profile').notNull(),
    policyVersion: integer('policy_version').notNull(),
    state: text('state', { enum: ['running', 'paused', 'stopped'] }).notNull(),
    workingDays: integer('working_days').notNull(),
    startedAt: instant('started_at').notNull(),
    basisAt: instant('basis_at').notNull(),
    basisDays: integer('basis_days').notNull(),
    extensionDays: integer('extension_days').notNull().default(0),
    deadlineAt: instant('deadline_at').notNull(),
    deadlineDate: date('deadline_date', { mode: 'string' }).notNull(),
    provisional: boolean('provisional').notNull(),
    calendarVersion: integer('calendar_version').notNull(),
    pausedAt: instant('paused_at'),
    remainingAtPause: integer('remaining_at_pause'),
    breachedAt: instant('breached_at'),
    outcome: text('outcome', { enum: ['met', 'breached'] }),
    stoppedAt: instant('stopped_at'),
    extension: jsonb('extension'),
    /** Bumped on every change: a workflow told of a newer version reads the clock again. */
    version: integer('version').notNull().default(1),
    /** Changed outside its workflow (a calendar correction, a policy applied) and not yet announced to it. */
    announcePending: boolean('announce_pending').notNull().default(false),
    /** The clocked-step engine's state: supervision (督办) started by the breach, and what is due next. */
    supervisionLevel: integer('supervision_level').notNull().default(0),
    levelTwoAt: instant('level_two_at'),
    /** The deadline the due-today reminder was sent (or passed) for. */
    remindedFor: instant('reminded_for'),
    /** The step's policy at its start: working days to answer a supervision notice, and from level 1 to level 2. */
    replyDays: integer('reply_days').notNull().default(3),
    levelTwoAfterDays: integer('level_two_after_days').notNull().default(5),
    /** Working days a party receiving the step overdue has before it is charged (its policy's). */
    handoverGraceDays: integer('handover_grace_days').notNull().default(1),
    /** Set when the step passed to its party already overdue: that party is charged from this instant on. */
    graceUntil: instant('grace_until'),
  },
  (t) => [
    uniqueIndex('sla_clocks_step_key').on(t.subjectType, t.subjectId, t.step, t.startedAt),
    index('sla_clocks_open_idx').on(t.state, t.deadlineAt),
    index('sla_clocks_subject_idx').on(t.subjectType, t.subjectId),
    index('sla_clocks_announce_idx')
      .on(t.id)
      .where(sql`${t.announcePending}`),
  ],
);

/** Everything that happened to a clock, for its history and the timeline. */
export const slaClockEvents = pgTable(
  'sla_clock_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clockId: uuid('clock_id')
      .notNull()
      .references(() => slaClocks.id),
    at: instant('at').notNull(),
    kind: text('kind').notNull(),
    deadlineBefore: instant('deadline_before'),
    deadlineAfter: instant('deadline_after'),
    calendarVersion: integer('calendar_version').notNull(),
    details: jsonb('details').notNull(),
  },
  (t) => [index('sla_clock_events_clock_idx').on(t.clockId, t.at)],
);

// ── Data catalogue (数据资源目录) ──────────────────────────────────────────────────────────────

/** A catalogue entry; what it says lives in its versions (every edit makes a new one). */
export const datasets = pgTable(
  'datasets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    ownerDepartmentId: uuid('owner_department_id')
      .notNull()
      .references(() => departments.id),
    lifecycle: text('lifecycle', { enum: ['draft', 'published', 'retired'] }).notNull(),
    currentVersion: integer('current_version').notNull(),
    /** 已归集: set only by the center (history in dataset_aggregation). */
    aggregated: boolean('aggregated').notNull().default(false),
    // Denormalized from the current version for lists, filters and sorting.
    name: text('name').notNull(),
    sharingType: text('sharing_type', { enum: ['unconditional', 'conditional', 'not_shareable'] }).notNull(),
    libraryKind: text('library_kind').notNull(),
    /** Unigram and bigram lexemes of names, description and field names (see search-terms.ts). */
    searchLexemes: text('search_lexemes').array().notNull(),
    /** The lexemes as a stored tsvector: matched without recomputing it per row. */
    searchVector: tsvector('search_vector').generatedAlwaysAs(sql`array_to_tsvector(search_lexemes)`),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('datasets_code_key').on(t.code),
    index('datasets_owner_idx').on(t.ownerDepartmentId),
    index('datasets_search_vector_idx').using('gin', t.searchVector),
    index('datasets_filters_idx').on(t.sharingType, t.aggregated, t.name, t.id),
    index('datasets_name_idx').on(t.name, t.id),
    index('datasets_updated_idx').on(t.updatedAt, t.id),
  ],
);

export const datasetVersions = pgTable(
  'dataset_versions',
  {
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    libraryKind: text('library_kind').notNull(),
    basicLibrary: text('basic_library'),
    updateFrequency: text('update_frequency').notNull(),
    sourceSystem: text('source_system').notNull(),
    fields: jsonb('fields').notNull(),
    sharingType: text('sharing_type', { enum: ['unconditional', 'conditional', 'not_shareable'] }).notNull(),
    conditions: jsonb('conditions'),
    conditionNotes: text('condition_notes'),
    legalBasis: jsonb('legal_basis'),
    lineage: jsonb('lineage'),
    createdAt: instant('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.version] })],
);

/** When the center held the data: one row per period. */
export const datasetAggregation = pgTable(
  'dataset_aggregation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    fromAt: instant('from_at').notNull(),
    toAt: instant('to_at'),
    setBy: uuid('set_by'),
    reason: text('reason'),
  },
  (t) => [index('dataset_aggregation_dataset_idx').on(t.datasetId, t.fromAt)],
);

/** Application scenarios (应用场景); the center puts some on the key-work list (重点工作应用场景清单). */
export const scenarios = pgTable(
  'scenarios',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['one_network_service', 'one_network_governance', 'no_application', 'other'] }).notNull(),
    leadDepartmentId: uuid('lead_department_id')
      .notNull()
      .references(() => departments.id),
    description: text('description').notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    onKeyList: boolean('on_key_list').notNull().default(false),
    /** The datasets and fields the scenario needs: [{ datasetCode, fields }]. */
    coverage: jsonb('coverage').notNull(),
    retired: boolean('retired').notNull().default(false),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('scenarios_lead_idx').on(t.leadDepartmentId)],
);

/** Every change to the key-work list makes a version holding the whole list as it then stood. */
export const scenarioListVersions = pgTable('scenario_list_versions', {
  version: integer('version').primaryKey(),
  createdAt: instant('created_at').notNull(),
  summary: text('summary').notNull(),
  snapshot: jsonb('snapshot').notNull(),
});

// ── Requests (1515 授权) ──────────────────────────────────────────────────────────────────────

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** Policy profiles as versioned data: a change is a new version; clocks keep the one they started with. */
export const policyProfiles = pgTable(
  'policy_profiles',
  {
    name: text('name').notNull(),
    version: integer('version').notNull(),
    settings: jsonb('settings').notNull(),
    note: text('note').notNull(),
    createdAt: instant('created_at').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

/** The notification-commitment text (告知承诺) requesters accept, versioned. */
export const commitmentTexts = pgTable('commitment_texts', {
  version: integer('version').primaryKey(),
  text: text('text').notNull(),
  /** The text holds the security commitment (安全承诺): accepting it meets `securityCommitmentRequired`. */
  includesSecurityCommitment: boolean('includes_security_commitment').notNull().default(false),
  publishedAt: instant('published_at').notNull(),
  publishedBy: uuid('published_by').references(() => users.id),
});

/** Per-year counters behind readable request numbers (GX-2026-000123), gapless. */
export const requestNumberCounters = pgTable('request_number_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

export const requests = pgTable(
  'requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Assigned at filing; drafts have none. */
    number: text('number'),
    state: text('state').notNull(),
    /** A renewal (续期): the grant this request renews; its grant links back through this request. */
    renewsGrantId: uuid('renews_grant_id').references((): AnyPgColumn => grants.id),
    track: integer('track'),
    requesterDepartmentId: uuid('requester_department_id')
      .notNull()
      .references(() => departments.id),
    requesterUserId: uuid('requester_user_id')
      .notNull()
      .references(() => users.id),
    ownerDepartmentId: uuid('owner_department_id')
      .notNull()
      .references(() => departments.id),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    fields: jsonb('fields').$type<string[]>().notNull(),
    scenarioId: uuid('scenario_id').references(() => scenarios.id),
    purpose: text('purpose').notNull(),
    legalBasis: text('legal_basis'),
    usageMonths: integer('usage_months'),
    deliveryMethod: text('delivery_method', { enum: ['interface', 'batch'] }).notNull(),
    securityCommitmentAccepted: boolean('security_commitment_accepted').notNull().default(false),
    commitmentVersion: integer('commitment_version').references(() => commitmentTexts.version),
    commitmentAcceptedAt: instant('commitment_accepted_at'),
    commitmentAcceptedBy: uuid('commitment_accepted_by').references(() => users.id),
    /** What routing saw: dataset version, aggregation, key-list version, scenario, policy. */
    snapshot: jsonb('snapshot'),
    /** Track, rule, reasons, missing fields, whether the owner may refuse. */
    routing: jsonb('routing'),
    /** evaluateConditions on the routed dataset version at filing. */
    preCheck: jsonb('pre_check'),
    policyName: text('policy_name'),
    policyVersion: integer('policy_version'),
    stateBeforeSupplement: text('state_before_supplement'),
    /** The track's clocked step: its deadline, breach and supervision live on the clock only. */
    clockId: uuid('clock_id').references(() => slaClocks.id),
    /** After a refusal: the window within which it may be disputed (争议), as a clock. */
    disputeWindowClockId: uuid('dispute_window_clock_id').references(() => slaClocks.id),
    /** What an approval granted, when it narrowed the request. */
    approvedFields: jsonb('approved_fields').$type<string[]>(),
    approvedUsageMonths: integer('approved_usage_months'),
    filedAt: instant('filed_at'),
    decidedAt: instant('decided_at'),
    closedAt: instant('closed_at'),
    workflowStartedAt: instant('workflow_started_at'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('requests_number_key').on(t.number),
    index('requests_requester_idx').on(t.requesterDepartmentId, t.filedAt),
    index('requests_owner_idx').on(t.ownerDepartmentId, t.filedAt),
    index('requests_state_idx').on(t.state, t.filedAt),
    index('requests_clock_idx').on(t.clockId),
    index('requests_unstarted_idx')
      .on(t.filedAt)
      .where(sql`${t.workflowStartedAt} is null and ${t.filedAt} is not null`),
  ],
);

/** The timeline: one row per step, keyed so a retried activity records it once. */
export const requestEvents = pgTable(
  'request_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: steps recorded in one instant keep their order on the timeline. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    /** Unique per request: the workflow's key for the step (idempotency across retries). */
    stepKey: text('step_key').notNull(),
    kind: text('kind').notNull(),
    at: instant('at').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    party: text('party').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorDepartmentId: uuid('actor_department_id').references(() => departments.id),
    details: jsonb('details').notNull(),
  },
  (t) => [uniqueIndex('request_events_step_key').on(t.requestId, t.stepKey), index('request_events_request_idx').on(t.requestId, t.seq)],
);

export const requestAttachments = pgTable(
  'request_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    /** Filed with the request, or with a supplement answer. */
    supplementId: uuid('supplement_id'),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: instant('uploaded_at').notNull(),
  },
  (t) => [index('request_attachments_request_idx').on(t.requestId)],
);

/** 补正: the owner's question, the requester's answer, and the clock that bounds it. */
export const requestSupplements = pgTable(
  'request_supplements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    question: text('question').notNull(),
    askedAt: instant('asked_at').notNull(),
    askedBy: uuid('asked_by').references(() => users.id),
    /** The clock the requester answers within (the due date is the clock's). */
    clockId: uuid('clock_id').references(() => slaClocks.id),
    answer: text('answer'),
    answeredAt: instant('answered_at'),
    answeredBy: uuid('answered_by').references(() => users.id),
    lapsedAt: instant('lapsed_at'),
  },
  (t) => [index('request_supplements_request_idx').on(t.requestId, t.askedAt)],
);

// ── Track 15: coordination (三方协调) and disputes (争议) — every record insert-only ─────────────

/** A party's position in a coordination: text and the files it attached to the request. */
export const coordinationPositions = pgTable(
  'coordination_positions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    party: text('party', { enum: ['requester', 'owner', 'center'] }).notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    authorUserId: uuid('author_user_id')
      .notNull()
      .references(() => users.id),
    position: text('position').notNull(),
    attachmentIds: jsonb('attachment_ids').$type<string[]>().notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [index('coordination_positions_request_idx').on(t.requestId, t.recordedAt)],
);

/** A coordination meeting the center scheduled. */
export const coordinationMeetings = pgTable(
  'coordination_meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    startsAt: instant('starts_at').notNull(),
    place: text('place'),
    link: text('link'),
    participants: jsonb('participants').$type<string[]>().notNull(),
    agenda: text('agenda'),
    scheduledBy: uuid('scheduled_by')
      .notNull()
      .references(() => users.id),
    scheduledAt: instant('scheduled_at').notNull(),
  },
  (t) => [index('coordination_meetings_request_idx').on(t.requestId, t.startsAt)],
);

/** The minutes (会议纪要) of a meeting: recorded once. */
export const coordinationMinutes = pgTable('coordination_minutes', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => coordinationMeetings.id),
  minutes: text('minutes').notNull(),
  attendees: jsonb('attendees').$type<string[]>().notNull(),
  recordedBy: uuid('recorded_by')
    .notNull()
    .references(() => users.id),
  recordedAt: instant('recorded_at').notNull(),
});

/** What the coordination decided, recorded by the center: to share (what was agreed) or not. */
export const coordinationOutcomes = pgTable('coordination_outcomes', {
  requestId: uuid('request_id')
    .primaryKey()
    .references(() => requests.id),
  outcome: text('outcome', { enum: ['share', 'not_to_share'] }).notNull(),
  fields: jsonb('fields').$type<string[]>(),
  usageMonths: integer('usage_months'),
  conditions: text('conditions'),
  reasons: text('reasons'),
  /** The register entry a decision not to share with a 免申即享 scenario rests on (as cited). */
  legalBasis: jsonb('legal_basis'),
  decidedBy: uuid('decided_by')
    .notNull()
    .references(() => users.id),
  decidedAt: instant('decided_at').notNull(),
});

/** A dispute (争议) over a refusal, and the clock of its decision. One per request. */
export const requestDisputes = pgTable('request_disputes', {
  id: uuid('id').primaryKey().defaultRandom(),
  requestId: uuid('request_id')
    .notNull()
    .references(() => requests.id)
    .unique(),
  party: text('party', { enum: ['requester', 'center'] }).notNull(),
  departmentId: uuid('department_id')
    .notNull()
    .references(() => departments.id),
  raisedBy: uuid('raised_by')
    .notNull()
    .references(() => users.id),
  reasons: text('reasons').notNull(),
  raisedAt: instant('raised_at').notNull(),
  clockId: uuid('clock_id').references(() => slaClocks.id),
});

/** The competent authority's decision on a dispute: immutable once recorded. */
export const disputeDecisions = pgTable('dispute_decisions', {
  disputeId: uuid('dispute_id')
    .primaryKey()
    .references(() => requestDisputes.id),
  decision: text('decision', { enum: ['upheld', 'ordered'] }).notNull(),
  reasons: text('reasons').notNull(),
  decidedBy: uuid('decided_by')
    .notNull()
    .references(() => users.id),
  departmentId: uuid('department_id')
    .notNull()
    .references(() => departments.id),
  decidedAt: instant('decided_at').notNull(),
});

// ── Legal-basis register (法律依据库) ─────────────────────────────────────────────────────────

/** An instrument a refusal may cite; its content lives in versions, the current one named here. */
export const legalBases = pgTable('legal_bases', {
  id: uuid('id').primaryKey().defaultRandom(),
  currentVersion: integer('current_version').notNull(),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

/** Every version of an entry, as curated (the app role cannot UPDATE or DELETE one). */
export const legalBasisVersions = pgTable(
  'legal_basis_versions',
  {
    legalBasisId: uuid('legal_basis_id')
      .notNull()
      .references(() => legalBases.id),
    version: integer('version').notNull(),
    kind: text('kind', { enum: ['law', 'administrative_regulation', 'local_regulation', 'rule', 'policy_document'] }).notNull(),
    title: text('title').notNull(),
    documentNumber: text('document_number'),
    article: text('article'),
    excerpt: text('excerpt').notNull(),
    prohibitsSharing: boolean('prohibits_sharing').notNull(),
    inForce: boolean('in_force').notNull(),
    /** Why this version was written (a revision's reason; the first version's source). */
    note: text('note'),
    createdAt: instant('created_at').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.legalBasisId, t.version] })],
);

/** 书面说明: immutable once filed (the app role cannot UPDATE or DELETE it). */
export const writtenExplanations = pgTable(
  'written_explanations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id)
      .unique(),
    /** The citation as filed (a register entry at a version, or the catalogued basis). */
    legalBasis: jsonb('legal_basis').notNull(),
    /** The register entry cited, when one is (null for a catalogued basis). */
    legalBasisId: uuid('legal_basis_id'),
    legalBasisVersion: integer('legal_basis_version'),
    citedConditions: jsonb('cited_conditions').$type<string[]>().notNull(),
    reasons: text('reasons').notNull(),
    alternatives: text('alternatives').notNull(),
    authorUserId: uuid('author_user_id')
      .notNull()
      .references(() => users.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    filedAt: instant('filed_at').notNull(),
  },
  (t) => [
    foreignKey({
      name: 'written_explanations_legal_basis_fk',
      columns: [t.legalBasisId, t.legalBasisVersion],
      foreignColumns: [legalBasisVersions.legalBasisId, legalBasisVersions.version],
    }),
  ],
);

/**
 * 督办: a notice to the department charged with a late clocked step (of a request, a grant, an
 * objection), with a reply due; level 2 goes to the competent authority.
 */
export const supervisions = pgTable(
  'supervisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    clockId: uuid('clock_id')
      .notNull()
      .references(() => slaClocks.id),
    level: integer('level').notNull(),
    chargedParty: text('charged_party').notNull(),
    responsibleDepartmentId: uuid('responsible_department_id')
      .notNull()
      .references(() => departments.id),
    issuedAt: instant('issued_at').notNull(),
    replyDueAt: instant('reply_due_at').notNull(),
    reply: text('reply'),
    repliedAt: instant('replied_at'),
    repliedBy: uuid('replied_by').references(() => users.id),
  },
  // A step may be breached again after a late extension approval cleared the first breach, so a
  // level may be issued more than once — never twice at the same instant.
  (t) => [
    uniqueIndex('supervisions_level_issued_key').on(t.clockId, t.level, t.issuedAt),
    index('supervisions_subject_idx').on(t.subjectType, t.subjectId, t.issuedAt),
    index('supervisions_department_idx').on(t.responsibleDepartmentId, t.issuedAt),
  ],
);

/** Per-year counters behind readable grant numbers (SQ-2026-000045), gapless. */
export const grantNumberCounters = pgTable('grant_number_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

/**
 * The permission that results (授权): issued by the delivery, on any track. Its state is kept by
 * its workflow (`grant-<id>`); its history is `grant_events`; the owner is the dataset's.
 */
export const grants = pgTable(
  'grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** SQ-2026-000045: per year of issue, gapless. */
    number: text('number').notNull().unique(),
    requestId: uuid('request_id')
      .notNull()
      .references((): AnyPgColumn => requests.id)
      .unique(),
    requesterDepartmentId: uuid('requester_department_id')
      .notNull()
      .references(() => departments.id),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    datasetVersion: integer('dataset_version').notNull(),
    fields: jsonb('fields').$type<string[]>().notNull(),
    scenarioId: uuid('scenario_id').references(() => scenarios.id),
    purpose: text('purpose').notNull(),
    state: text('state').notNull(),
    deliveryMethod: text('delivery_method').notNull(),
    deliveryReference: text('delivery_reference').notNull(),
    validFrom: instant('valid_from').notNull(),
    /** The end (Asia/Shanghai) of the usage period's last day (src/grants/rules/validity.ts). */
    validTo: instant('valid_to'),
    createdAt: instant('created_at').notNull(),
    /** Working days before the end the holder is reminded: the request's policy (grantExpiryReminderDays) when issued. */
    expiryReminderDays: integer('expiry_reminder_days').notNull().default(10),
    /** Set once its workflow runs; the reconciler starts the workflows of grants without. */
    workflowStartedAt: instant('workflow_started_at'),
  },
  (t) => [
    index('grants_requester_idx').on(t.requesterDepartmentId, t.validTo),
    index('grants_dataset_idx').on(t.datasetId, t.validTo),
    index('grants_check_idx').on(t.requesterDepartmentId, t.datasetId),
    index('grants_unstarted_idx')
      .on(t.createdAt)
      .where(sql`workflow_started_at is null`),
  ],
);

/** A grant's history (append-only): issue, reminder, expiry, suspension, resumption, revocation, catalogue changes. */
export const grantEvents = pgTable(
  'grant_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => grants.id),
    /** Unique per grant: the workflow's key for the step (idempotency across retries). */
    stepKey: text('step_key').notNull(),
    kind: text('kind').notNull(),
    at: instant('at').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    party: text('party').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorDepartmentId: uuid('actor_department_id').references(() => departments.id),
    reason: text('reason'),
    details: jsonb('details').notNull(),
  },
  (t) => [uniqueIndex('grant_events_step_key').on(t.grantId, t.stepKey), index('grant_events_grant_idx').on(t.grantId, t.seq)],
);

/**
 * A system that calls the platform with its own credential (the exchange's interface gateway):
 * the key is 256 random bits shown once; only its SHA-256 is kept.
 */
export const serviceClients = pgTable('service_clients', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  keyHash: text('key_hash').notNull(),
  createdAt: instant('created_at').notNull(),
  createdByUserId: uuid('created_by_user_id').references(() => users.id),
  revokedAt: instant('revoked_at'),
});

/**
 * One supervision notice (安全监管) per attempt outside a grant, per grant (or department and
 * dataset without one) and Shanghai day: the key makes the second attempt of the day a no-op.
 */
export const grantSupervisionNotices = pgTable(
  'grant_supervision_notices',
  {
    key: text('key').primaryKey(),
    grantId: uuid('grant_id').references(() => grants.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    day: date('day', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    fieldsOutside: jsonb('fields_outside').$type<string[]>().notNull(),
    firstAt: instant('first_at').notNull(),
  },
  (t) => [
    index('grant_supervision_notices_dataset_idx').on(t.datasetId, t.day),
    // The newest-first list of notices (GET /grants/use-flags).
    index('grant_supervision_notices_first_at_idx').on(t.firstAt.desc(), t.key.desc()),
  ],
);

/** Catalogue changes that affect active grants, told to each holder once (the center lists them). */
export const grantCatalogueImpacts = pgTable(
  'grant_catalogue_impacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => grants.id),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    /** The dataset version the change made (or the retirement found): one row per grant, version and kind. */
    datasetVersion: integer('dataset_version').notNull(),
    /** dataset_retired · became_not_shareable · fields_removed (src/grants/rules/catalogue-impact.ts). */
    kind: text('kind').notNull(),
    fieldsRemoved: jsonb('fields_removed').$type<string[]>().notNull(),
    at: instant('at').notNull(),
  },
  (t) => [
    uniqueIndex('grant_catalogue_impacts_once').on(t.grantId, t.datasetVersion, t.kind),
    index('grant_catalogue_impacts_at_idx').on(t.at),
  ],
);

// ── Dashboard (SLA 看板与考核评估) ────────────────────────────────────────────────────────────

/**
 * One row per filed request with what the dashboard counts, kept equal to the view
 * `request_fact_source` by triggers in the same transaction as every change it reflects
 * (migration 0018): a cache for speed, never a second source of truth. Dates are Asia/Shanghai;
 * working-day differences come from `calendar_ordinals` when read, so a calendar correction
 * needs no rewrite here (the day rollups below mark themselves stale on one).
 */
export const requestFacts = pgTable(
  'request_facts',
  {
    requestId: uuid('request_id').primaryKey(),
    number: text('number').notNull(),
    track: integer('track').notNull(),
    state: text('state').notNull(),
    ownerDepartmentId: uuid('owner_department_id').notNull(),
    requesterDepartmentId: uuid('requester_department_id').notNull(),
    /** The district government the owner belongs to (itself, or its parent); null for city departments. */
    ownerDistrictId: uuid('owner_district_id'),
    requesterDistrictId: uuid('requester_district_id'),
    filedAt: instant('filed_at').notNull(),
    filedDate: date('filed_date', { mode: 'string' }).notNull(),
    decidedDate: date('decided_date', { mode: 'string' }),
    grantedDate: date('granted_date', { mode: 'string' }),
    /** The track clock: met, breached (open or not) or null while open and on time. */
    outcome: text('outcome'),
    clockOpen: boolean('clock_open').notNull(),
    deadlineDate: date('deadline_date', { mode: 'string' }),
    refused: boolean('refused').notNull(),
    explained: boolean('explained').notNull(),
    disputed: boolean('disputed').notNull(),
    /** The competent authority ordered sharing after the owner's refusal. */
    disputeLost: boolean('dispute_lost').notNull(),
    coordinationDate: date('coordination_date', { mode: 'string' }),
    supplements: integer('supplements').notNull(),
    ownerExtensionsAsked: integer('owner_extensions_asked').notNull(),
    ownerExtensionsApproved: integer('owner_extensions_approved').notNull(),
    /** Breaches (level-1 supervision notices) on the request's steps, by the party charged. */
    ownerBreaches: integer('owner_breaches').notNull(),
    centerBreaches: integer('center_breaches').notNull(),
    authorityBreaches: integer('authority_breaches').notNull(),
  },
  (t) => [
    index('request_facts_owner_idx').on(t.ownerDepartmentId, t.filedDate),
    index('request_facts_requester_idx').on(t.requesterDepartmentId, t.filedDate),
    index('request_facts_decided_idx').on(t.decidedDate),
    // Hand-written in migrations 0018 and 0019 (drizzle cannot declare INCLUDE or these partial
    // indexes): request_facts_cohort_idx (filed_date INCLUDE the cohort's columns),
    // request_facts_filed_at_idx, request_facts_granted_idx, request_facts_coordination_idx.
  ],
);

/**
 * Day rollups of the facts (migration 0020) for figures over long periods without a department
 * filter: per filing day, owner department and track — the cohort's counts by state, and how many
 * decisions took N working days; per decision day, the decisions. A change to a fact marks its
 * days stale (`request_fact_stale_days`, insert-only: no row two transactions contend for) and a
 * calendar change marks every day; readers take the rollups for settled days and the facts for
 * stale ones, so a figure is exact whenever it is read. The workflow `dashboardRollupWorkflow`
 * folds the stale days back in (`refresh_request_fact_rollups()`).
 */
export const requestFactDays = pgTable(
  'request_fact_days',
  {
    filedDate: date('filed_date', { mode: 'string' }).notNull(),
    ownerDepartmentId: uuid('owner_department_id').notNull(),
    ownerDistrictId: uuid('owner_district_id'),
    track: integer('track').notNull(),
    state: text('state').notNull(),
    requests: integer('requests').notNull(),
    met: integer('met').notNull(),
    breached: integer('breached').notNull(),
    openBreached: integer('open_breached').notNull(),
    decided: integer('decided').notNull(),
    open: integer('open').notNull(),
    refusals: integer('refusals').notNull(),
    explained: integer('explained').notNull(),
    disputesLost: integer('disputes_lost').notNull(),
    supplements: integer('supplements').notNull(),
    extensionsAsked: integer('extensions_asked').notNull(),
    extensionsApproved: integer('extensions_approved').notNull(),
    breaches: integer('breaches').notNull(),
  },
  (t) => [primaryKey({ columns: [t.filedDate, t.ownerDepartmentId, t.track, t.state] })],
);

/** Decided requests by filing day, owner department, track and working days to decide. */
export const requestFactDaySpans = pgTable(
  'request_fact_day_spans',
  {
    filedDate: date('filed_date', { mode: 'string' }).notNull(),
    ownerDepartmentId: uuid('owner_department_id').notNull(),
    ownerDistrictId: uuid('owner_district_id'),
    track: integer('track').notNull(),
    days: integer('days').notNull(),
    requests: integer('requests').notNull(),
  },
  (t) => [primaryKey({ columns: [t.filedDate, t.ownerDepartmentId, t.track, t.days] })],
);

/** Decisions by decision day, owner department and track (the weekly trend of decisions). */
export const requestFactDecisionDays = pgTable(
  'request_fact_decision_days',
  {
    decidedDate: date('decided_date', { mode: 'string' }).notNull(),
    ownerDepartmentId: uuid('owner_department_id').notNull(),
    ownerDistrictId: uuid('owner_district_id'),
    track: integer('track').notNull(),
    decisions: integer('decisions').notNull(),
  },
  (t) => [primaryKey({ columns: [t.decidedDate, t.ownerDepartmentId, t.track] })],
);

/**
 * The center's and the competent authority's steps by the day they were done (provisioning by the
 * grant's day, coordination by the outcome's, extension and dispute decisions by theirs) and by
 * the day a breach charged to them was issued: handled, their working days in all, breaches.
 */
export const requestStepDays = pgTable(
  'request_step_days',
  {
    day: date('day', { mode: 'string' }).notNull(),
    step: text('step', { enum: ['provisioning', 'coordination', 'extension_decisions', 'dispute_decisions'] }).notNull(),
    handled: integer('handled').notNull(),
    workingDays: integer('working_days').notNull(),
    breached: integer('breached').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.step] })],
);

/** Days whose rollup rows are stale: `filed` for the cohort rollups, `decided` for decisions, `step` for the steps'. */
export const requestFactStaleDays = pgTable(
  'request_fact_stale_days',
  {
    day: date('day', { mode: 'string' }).notNull(),
    kind: text('kind', { enum: ['filed', 'decided', 'step'] }).notNull(),
  },
  (t) => [index('request_fact_stale_days_idx').on(t.kind, t.day)],
);

/** Per-year counters behind readable objection numbers (YY-2026-000045), gapless. */
export const objectionNumberCounters = pgTable('objection_number_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

/** One link of an objection's trace chain (src/objections/rules/trace.ts), as recorded. */
export interface StoredTraceHop {
  datasetId: string;
  datasetCode: string;
  datasetName: string;
  field: string;
  ownerDepartmentId: string;
  feeds: { datasetCode: string; field: string } | null;
  origin: boolean;
}

/**
 * An objection (异议) to shared data: raised by a department through the grant it received the
 * data by, about one field of one record. Its state is kept by its workflow (`objection-<id>`);
 * its history is `objection_events`; the center's and the objector's open step is `clock_id`,
 * the source departments' steps are their tasks' clocks.
 */
export const objections = pgTable(
  'objections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** YY-2026-000045: per year raised, gapless. */
    number: text('number').notNull().unique(),
    state: text('state').notNull(),
    /** corrected · confirmed_accurate · partially_corrected, once verified. */
    result: text('result'),
    objectorDepartmentId: uuid('objector_department_id')
      .notNull()
      .references(() => departments.id),
    objectorUserId: uuid('objector_user_id')
      .notNull()
      .references(() => users.id),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => grants.id),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    datasetVersion: integer('dataset_version').notNull(),
    ownerDepartmentId: uuid('owner_department_id')
      .notNull()
      .references(() => departments.id),
    recordKey: text('record_key').notNull(),
    field: text('field').notNull(),
    valueReceived: text('value_received').notNull(),
    valueClaimed: text('value_claimed').notNull(),
    reason: text('reason').notNull(),
    /** The dataset is fused (融合数据) when raised: acceptance leads to tracing. */
    fused: boolean('fused').notNull(),
    /** The trace chain, recorded by the center's trace step (or the owner's own field on acceptance). */
    trace: jsonb('trace').$type<StoredTraceHop[]>(),
    /** The verification round: a sustained contest opens the second. */
    round: integer('round').notNull().default(1),
    contested: boolean('contested').notNull().default(false),
    /** The open step of the center or the objector (accept, trace, feedback, contest window, contest decision). */
    clockId: uuid('clock_id').references(() => slaClocks.id),
    policyName: text('policy_name').notNull(),
    policyVersion: integer('policy_version').notNull(),
    raisedAt: instant('raised_at').notNull(),
    closedAt: instant('closed_at'),
    /** Set once its workflow runs; the reconciler starts the workflows of objections without. */
    workflowStartedAt: instant('workflow_started_at'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    index('objections_objector_idx').on(t.objectorDepartmentId, t.raisedAt),
    index('objections_owner_idx').on(t.ownerDepartmentId, t.raisedAt),
    index('objections_dataset_idx').on(t.datasetId, t.raisedAt),
    index('objections_state_idx').on(t.state, t.raisedAt),
    index('objections_unstarted_idx')
      .on(t.raisedAt)
      .where(sql`workflow_started_at is null`),
  ],
);

/** An objection's history (append-only): every step with its party, actor and details. */
export const objectionEvents = pgTable(
  'objection_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    objectionId: uuid('objection_id')
      .notNull()
      .references(() => objections.id),
    /** Unique per objection: the workflow's key for the step (idempotency across retries). */
    stepKey: text('step_key').notNull(),
    kind: text('kind').notNull(),
    at: instant('at').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    party: text('party').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorDepartmentId: uuid('actor_department_id').references(() => departments.id),
    reason: text('reason'),
    details: jsonb('details').notNull(),
  },
  (t) => [
    uniqueIndex('objection_events_step_key').on(t.objectionId, t.stepKey),
    index('objection_events_objection_idx').on(t.objectionId, t.seq),
  ],
);

/** Evidence (证明材料) the objector attaches while the objection waits for acceptance; immutable. */
export const objectionEvidence = pgTable(
  'objection_evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    objectionId: uuid('objection_id')
      .notNull()
      .references(() => objections.id),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: instant('uploaded_at').notNull(),
  },
  (t) => [index('objection_evidence_objection_idx').on(t.objectionId)],
);

/**
 * A verification task (核实任务): one per source department and round, with the dataset fields it
 * verifies and its own clock; decided once — corrected (before, after, the correction's reference)
 * or confirmed accurate (an explanation).
 */
export const objectionTasks = pgTable(
  'objection_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    objectionId: uuid('objection_id')
      .notNull()
      .references(() => objections.id),
    round: integer('round').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    items: jsonb('items').$type<{ datasetId: string; datasetCode: string; field: string }[]>().notNull(),
    clockId: uuid('clock_id')
      .notNull()
      .references(() => slaClocks.id),
    outcome: text('outcome'),
    valueBefore: text('value_before'),
    valueAfter: text('value_after'),
    correctionReference: text('correction_reference'),
    explanation: text('explanation'),
    decidedByUserId: uuid('decided_by_user_id').references(() => users.id),
    decidedAt: instant('decided_at'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('objection_tasks_round_department').on(t.objectionId, t.round, t.departmentId),
    index('objection_tasks_department_idx').on(t.departmentId, t.createdAt),
  ],
);

/**
 * The mark (异议标注) on a disputed record's field while its objection is open: set on acceptance,
 * revoked when the dossier is archived. Holders of grants on the dataset see the open ones.
 */
export const dataMarks = pgTable(
  'data_marks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    objectionId: uuid('objection_id')
      .notNull()
      .references(() => objections.id)
      .unique(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    recordKey: text('record_key').notNull(),
    field: text('field').notNull(),
    setAt: instant('set_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [
    index('data_marks_open_idx')
      .on(t.datasetId, t.field)
      .where(sql`revoked_at is null`),
  ],
);

/**
 * The reconciler's runs (对账): what each compared between the database and the workflows, and
 * every divergence it repaired. Runs that repaired nothing are kept a week (src/reconciliation).
 */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at').notNull(),
    /** Cases and workflows compared, by kind, and clocks owed an announcement. */
    checked: jsonb('checked').notNull(),
    /** Each divergence found: the case, what differed, the repair and whether it took. */
    repairs: jsonb('repairs').notNull(),
    repairCount: integer('repair_count').notNull(),
  },
  (t) => [
    index('reconciliation_runs_started_idx').on(t.startedAt),
    index('reconciliation_runs_repaired_idx').on(t.repairCount, t.startedAt),
  ],
);
