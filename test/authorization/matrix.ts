/**
 * The authorization matrix: every operation of openapi/openapi.yaml × every kind of caller →
 * the HTTP status the platform must answer. Hand-written from DESIGN.md (roles and visibility:
 * 404 when the caller may not read the thing, 403 when it may read it but not do the action),
 * the operation summaries of the contract and the issues — never derived from the server's code.
 *
 * Every later issue extends this table: a new operation needs a row (the test fails for an
 * operation without one, and for a row naming an operation the contract does not have), and a
 * way to send a valid request for it in ./operations.ts.
 *
 * The callers. Three ordinary departments, each with a user per ordinary role:
 *   market — the requester department of the requests under test (a party);
 *   police — the owner department of the datasets and requests under test (a party);
 *   other  — a department that is party to nothing under test.
 * For subjects that are not requests the row's `subject` says which department it belongs to
 * (usually the police); the others are then non-parties. Then the big-data center's operator,
 * administrator and auditor, and the competent authority's supervisor. `anonymous` sends no token.
 *
 * An expectation is one status, or a short list when the outcome legitimately depends on state.
 */

export const CALLERS = [
  'anonymous',
  'market.requester',
  'market.reviewer',
  'market.dept_admin',
  'police.requester',
  'police.reviewer',
  'police.dept_admin',
  'other.requester',
  'other.reviewer',
  'other.dept_admin',
  'center.center_operator',
  'center.center_admin',
  'authority.supervisor',
  'center.auditor',
] as const;
export type CallerKind = (typeof CALLERS)[number];

/** The ordinary departments of the matrix (the center and the competent authority are special). */
export const DEPARTMENTS = ['market', 'police', 'other'] as const;
export type MatrixDepartment = (typeof DEPARTMENTS)[number] | 'center' | 'authority';

export const departmentOf = (caller: Exclude<CallerKind, 'anonymous'>): MatrixDepartment => caller.split('.')[0] as MatrixDepartment;

export type Expected = number | readonly number[];
/** One expectation per caller, in the order of CALLERS. */
export type Expectations = readonly [
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
];

/**
 * What a list must not reveal, checked on every 200 answer to a department user (and, where
 * stated, to others):
 * - requests: only requests its department is a party to (requester or owner), no other
 *   department's drafts; every user of a party department sees the party's request; the center
 *   and the supervisor see no drafts;
 * - notifications: only its own department's inbox (every caller, the center included);
 * - unreadCount: exactly its own department's unread messages;
 * - datasets / datasetExport: no draft of another department;
 * - auditEntries: only actions of its own department (dept_admin);
 * - webhooks / webhookDeliveries: only its own department's;
 * - users: only its own department's users; requesters and reviewers only themselves;
 * - grants: only grants its department holds or owns the data of; the party grant is there;
 * - useFlags: only notices on its department's use or on its department's data;
 * - objections: only objections its department raised, owns the data of or verifies.
 */
export type ListRule =
  | 'requests'
  | 'grants'
  | 'useFlags'
  | 'objections'
  | 'notifications'
  | 'unreadCount'
  | 'datasets'
  | 'datasetExport'
  | 'auditEntries'
  | 'webhooks'
  | 'webhookDeliveries'
  | 'users';

/** Which application answers: the shared test database, a database of the file's own (for
 * settings every test file reads: calendar, commitment, policy), or the app with DEMO_MODE=true. */
export type Harness = 'shared' | 'isolated' | 'demo';

export interface MatrixRow {
  operationId: string;
  /** Distinguishes several rows of one operation (another subject or configuration). */
  variant?: string;
  /** What the call is about, and which departments are parties to it. */
  subject: string;
  expect: Expectations;
  list?: ListRule;
  harness?: Harness;
}

/** A missing required JSON body (issue): 401 without a token first, then 400 for any signed-in caller. */
export const MISSING_BODY = { anonymous: 401, signedIn: 400 } as const;

const row = (
  operationId: string,
  subject: string,
  expect: Expectations,
  extra: Omit<MatrixRow, 'operationId' | 'subject' | 'expect'> = {},
): MatrixRow => ({ operationId, subject, expect, ...extra });

// prettier-ignore
export const MATRIX: readonly MatrixRow[] = [
  //                                                                                     anon  mReq mRev mAdm  pReq pRev pAdm  oReq oRev oAdm  cOp  cAdm sup  aud
  // ── system ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  row('getLiveness', 'public liveness',                                                [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('getReadiness', 'public readiness (database and Temporal up)',                   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('getSystemInfo', 'public platform facts',                                        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),

  // ── identity ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  // Demo sign-in exists only with DEMO_MODE=true; the test app runs without it, so the routes do not exist.
  row('listDemoUsers', 'demo users, DEMO_MODE off',                                   [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
  row('listDemoUsers', 'demo users, DEMO_MODE=true: public',                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { variant: 'DEMO_MODE=true', harness: 'demo' }),
  row('demoSignIn', 'sign in as the market requester, DEMO_MODE off',                 [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
  row('demoSignIn', 'sign in as the market requester, DEMO_MODE=true: public',        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { variant: 'DEMO_MODE=true', harness: 'demo' }),
  row('getMe', 'the caller itself',                                                    [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('listDepartments', 'the department directory (every signed-in user)',           [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('createDepartment', 'a new department (center_admin)',                          [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403]),
  row('getDepartment', 'the police department (directory: readable by all)',          [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('updateDepartment', 'rename a spare department (center_admin)',                 [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403]),
  row('listUsers', 'users: own record; own department for dept_admin; all for the center', [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'users' }),
  row('createUser', 'a requester in the police department (its dept_admin, center_admin)', [401, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403, 201, 403, 403]),
  // Another police user: readable by the police dept_admin, the center and the auditor; not by
  // colleagues without dept_admin, nor by the supervisor (the contract: "all for the center").
  // The competent authority's supervisors read the directory (who acted, who is responsible).
  row('getUser', 'a requester of the police department',                              [401, 404, 404, 404, 404, 404, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('updateUser', 'rename a requester of the police department',                   [401, 404, 404, 404, 404, 404, 200, 404, 404, 404, 403, 200, 403, 403]),

  // ── audit ────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  // Without the right: 403, not an empty page (issue). dept_admins read their department's actions.
  row('listAuditEntries', 'the ledger: auditors and center_admin all; dept_admin own department', [401, 403, 403, 200, 403, 403, 200, 403, 403, 200, 403, 200, 403, 200], { list: 'auditEntries' }),
  row('verifyAuditLedger', 'recompute the hash chain (auditors)',                     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
  row('verifyAuditLedgerAgainstHead', 'recompute the chains against an exported head (auditors)', [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),

  // ── reconciliation (对账) ───────────────────────────────────────────────────────────────────────
  row('listReconciliationRuns', 'the reconciler’s runs: the center and auditors',       [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200]),
  // Started through the schedule; a Temporal server without schedules (the matrix's test server) answers 503.
  row('runReconciliation', 'start a reconciler run now (the center)',                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, [202, 503], [202, 503], 403, 403]),

  // ── notifications ────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  row('listNotifications', 'the caller department inbox',                             [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'notifications' }),
  row('countUnreadNotifications', 'unread messages of the caller department',         [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'unreadCount' }),
  // The auditor reads everything, so sees the message but changes nothing: 403.
  row('markNotificationRead', 'a message in the police inbox',                        [401, 404, 404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 403]),
  row('listWebhooks', 'webhooks: own department for dept_admin; all for the center',  [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'webhooks' }),
  row('createWebhook', 'a webhook of the caller department (dept_admin)',             [401, 403, 403, 201, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
  row('deactivateWebhook', 'a webhook of the police department',                      [401, 404, 404, 404, 404, 404, 200, 404, 404, 404, 403, 403, 404, 403]),
  row('listWebhookDeliveries', 'the delivery log: the center all; a dept_admin its own', [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'webhookDeliveries' }),

  // ── calendar and SLA clocks ──────────────────────────────────────────────────────────────────────────────────────────────────────
  row('listCalendarDays', 'a month of the working-day calendar',                      [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('listCalendarYears', 'the published years',                                     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('publishCalendarYear', 'republish the official 2026 schedule (center_admin)',   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403], { harness: 'isolated' }),
  row('computeDeadline', 'deadline arithmetic',                                       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  // A party reads its own request's clocks (issue); the center, supervisors and auditors read all.
  row('getSlaClock', 'the clock of a request filed by market to police',              [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),

  // ── catalogue ────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  row('listDatasets', 'the catalogue: published entries; an owner also its drafts',   [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'datasets' }),
  row('createDataset', 'a draft of the caller department (reviewer, dept_admin)',     [401, 403, 201, 201, 403, 201, 201, 403, 201, 201, 403, 403, 403, 403]),
  row('importDatasets', 'a dry run of a CSV of the caller department (reviewer, dept_admin)', [401, 403, 200, 200, 403, 200, 200, 403, 200, 200, 403, 403, 403, 403]),
  row('exportDatasets', 'the entries the caller can see, as CSV',                     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'datasetExport' }),
  row('getDataset', 'a published police dataset',                                     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('reviseDataset', 'a published police dataset (the owner)',                      [401, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
  row('getDatasetVersion', 'version 1 of a published police dataset',                 [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('moveDataset', 'retire a published police dataset (the owner)',                 [401, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
  row('setDatasetAggregation', 'aggregation of a published police dataset (center_admin)', [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403]),
  row('listScenarios', 'application scenarios',                                       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('createScenario', 'a scenario led by the police (its dept_admin, center_admin)', [401, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403, 201, 403, 403]),
  row('getScenario', 'a key-work scenario',                                           [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('reviseScenario', 'a scenario led by the police, off the key-work list',        [401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 200, 403, 403]),
  row('setKeyListMembership', 'put a police-led scenario on the key-work list (center_admin)', [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403]),
  row('getKeyWorkList', 'the key-work list',                                          [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('preCheckConditions', 'pre-check against a published dataset of another department (changes nothing)', [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),

  // ── legal-basis register ──────────────────────────────────────────────────────────────────────────────────────────────────────────
  row('listLegalBases', 'the legal-basis register (every user picks from it)',         [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('createLegalBasis', 'add an instrument (supervisor, center_admin)',             [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 201, 403]),
  row('getLegalBasis', 'an entry and its versions',                                   [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('reviseLegalBasis', 'a new version of an entry (supervisor, center_admin)',     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403]),

  // ── policy ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  row('getCommitment', 'the current notification-commitment',                        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('publishCommitment', 'a new commitment text (center_admin)',                    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403], { harness: 'isolated' }),
  row('listPolicyProfiles', 'policy profiles',                                        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('createPolicyProfileVersion', 'a new version of shanghai-1515 (center_admin)',  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403], { harness: 'isolated' }),

  // ── requests ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  row('listRequests', 'requests: parties see theirs; the center, supervisors, auditors all filed', [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'requests' }),
  row('createRequestDraft', 'a draft for a published dataset of another department (requester)', [401, 201, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403, 403, 403]),
  // Every user of a party department sees the request (issue).
  row('getRequest', 'a request filed by market to police',                            [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200], { variant: 'filed' }),
  // A draft is the requester department's alone; the auditor reads everything.
  row('getRequest', 'a draft of the market department',                              [401, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200], { variant: 'draft' }),
  row('updateRequestDraft', 'a draft of the market department (requester)',           [401, 200, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
  row('discardRequestDraft', 'a draft of the market department (requester)',          [401, 204, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
  row('preCheckRequest', 'the dry run of filing a market draft (requester)',          [401, 200, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
  row('addRequestAttachment', 'a PDF on a market draft (requester)',                  [401, 201, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
  row('getRequestAttachment', 'an attachment of a request filed by market to police', [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('fileRequest', 'file a market draft (requester)',                               [401, 201, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
  row('approveRequest', 'a track-5 request in owner review, market → police (owner reviewer)', [401, 403, 403, 403, 403, 200, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('refuseRequest', 'a track-5 request failing a catalogued condition (owner reviewer)', [401, 403, 403, 403, 403, 200, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('askRequestSupplement', 'a track-5 request in owner review (owner reviewer)',   [401, 403, 403, 403, 403, 200, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('answerRequestSupplement', 'a track-5 request awaiting a supplement (requester)', [401, 200, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('withdrawRequest', 'a track-5 request in owner review (requester)',             [401, 200, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('confirmRequestDelivery', 'a track-1 request in provisioning (center_operator)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('requestRequestExtension', 'a track-5 request in owner review before its deadline (owner reviewer)', [401, 403, 403, 403, 403, 200, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('decideRequestExtension', 'a pending extension of a track-5 request (center_operator)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  // Track 15 (issue 14): only the parties record positions; only the center schedules, minutes and records the outcome and
  // confirms aggregation; the owner's reviewer files the written explanation; the requester or the center disputes a refusal
  // (whichever disputes second finds it disputed: 409); only the competent authority's supervisor decides a dispute.
  row('recordCoordinationPosition', 'a track-15 coordination, market → police (the three parties)', [401, 200, 403, 403, 403, 200, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('scheduleCoordinationMeeting', 'a track-15 coordination (center_operator)',     [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('recordCoordinationMinutes', 'a meeting of a track-15 coordination (center_operator)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('agreeToShareRequest', 'a track-15 coordination (center_operator)',              [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('decideNotToShareRequest', 'a track-15 coordination, data catalogued not shareable (center_operator)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('confirmRequestAggregation', 'an agreed track-15 request awaiting delivery (center_operator)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('fileRequestExplanation', 'a track-15 decision not to share (owner reviewer)',   [401, 403, 403, 403, 403, 200, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('disputeRequestRefusal', 'a refusal within its dispute window (requester or center_operator)', [401, [200, 409], 403, 403, 403, 403, 403, 404, 404, 404, [200, 409], 403, 403, 403]),
  row('upholdRequestRefusal', 'a disputed refusal (supervisor)',                       [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 200, 403]),
  row('orderRequestSharing', 'a disputed refusal (supervisor)',                        [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 200, 403]),
  // The printable records are read by whoever reads the request.
  row('getExplanationDocument', 'the written explanation of a market → police request', [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('getMinutesDocument', 'the minutes of a market → police coordination',          [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('getDisputeDecisionDocument', 'the dispute decision on a market → police request', [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  // The owner's breached step: its reviewer answers the level-1 supervision notice (督办).
  // A 督办 notice is answered by the responsible department: its reviewer or its administrator
  // (whichever answers second finds it answered: 409, which is still no refusal of the role).
  row('replyToSupervision', 'a level-1 supervision charged to the police (owner reviewer or dept admin)', [401, 403, 403, 403, 403, [200, 409], [200, 409], 404, 404, 404, 403, 403, 403, 403]),
  // The SLA dashboard (issue 15): a department reads its own figures (asking for another department's is 403
  // `dashboard_scope`); the center, the competent authority and auditors read the city. The center's and the
  // authority's own steps are city figures only.
  row('getDashboardOverview', "the police's figures (departmentId=police)",             [401, 403, 403, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200]),
  row('listDashboardOpenItems', "the caller's open items due now",                     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('getDashboardDepartments', "the police's row of the league table",               [401, 403, 403, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200]),
  row('listDashboardItems', "the police's requests behind a figure",                   [401, 403, 403, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200]),
  row('getDashboardParties', "the center's and the authority's own steps",             [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
  row('getDashboardSupervision', 'supervision of the police',                          [401, 403, 403, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200]),
  row('getDashboardTrends', "the police's weekly trends",                              [401, 403, 403, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200]),
  row('exportDashboardTable', "the police's league-table row as CSV",                  [401, 403, 403, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200]),
  // Grants (issue 16): every user of the holder (market) or the owner (police) reads the grant; the owner's reviewer
  // and the center's operator suspend, resume and revoke it (whichever acts second on the same grant finds it moved: 409);
  // only the holder's requester renews it (a draft request of its own).
  row('listGrants', 'the grants the caller may read',                                  [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'grants' }),
  row('exportGrants', 'the grants the caller may read, as CSV',                        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('getGrant', 'a grant market ← police',                                           [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('suspendGrant', 'an active grant market ← police (owner reviewer or center_operator)', [401, 403, 403, 403, 403, [200, 409], 403, 404, 404, 404, [200, 409], 403, 403, 403]),
  row('resumeGrant', 'a suspended grant market ← police (owner reviewer or center_operator)', [401, 403, 403, 403, 403, [200, 409], 403, 404, 404, 404, [200, 409], 403, 403, 403]),
  row('revokeGrant', 'an active grant market ← police (owner reviewer or center_operator)', [401, 403, 403, 403, 403, [200, 409], 403, 404, 404, 404, [200, 409], 403, 403, 403]),
  row('getGrantUsage', 'the usage of a grant market ← police',                       [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('getGrantUsageReport', 'the monthly usage report (a department: what it holds or owns)', [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('listGrantUseFlags', 'supervision notices on use outside a grant (a department: its own use and its data)', [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'useFlags' }),
  row('renewGrant', 'a grant market ← police (the holder’s requester)',                [401, 201, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 403]),
  // The exchange's check takes a service client's key, never a person's token: every person is refused (401).
  // Service clients are the center administrator's to register and revoke; the center and auditors list them.
  row('checkExchangeUse', 'a check with a person’s token (no service key)',          [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
  row('listServiceClients', 'the service clients',                                    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200]),
  row('createServiceClient', 'a new service client (center_admin)',                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403]),
  row('revokeServiceClient', 'a service client (center_admin)',                       [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 200, 404, 403]),
  // Objections (issue 17): the parties are the market (objector, holding the grant), the police (owner and the
  // source verifying) and the center; the other department neither raises nor sees one. The center's operator
  // accepts, rejects, traces, decides extensions, gives feedback and decides contests; the police's reviewer
  // verifies its task and asks for its extension; the market's requester raises, adds evidence and contests. An
  // authorized step on a subject in another state answers 409 (the shown objection is being verified).
  row('listObjections', 'the objections the caller may read',                        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], { list: 'objections' }),
  row('raiseObjection', "an objection through the market's grant on police data",    [401, 201, 403, 403, 403, 403, 403, 404, 403, 403, 403, 403, 403, 403]),
  row('getObjectionReport', 'the objection report (a department: its own data)',     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
  row('getObjection', 'an objection market → police',                                [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('getObjectionDossier', 'the dossier of an objection market → police',          [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('addObjectionEvidence', 'evidence on a submitted objection (the objector’s requester)', [401, 201, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('getObjectionEvidence', 'evidence of an objection market → police',            [401, 200, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200]),
  row('acceptObjection', 'a submitted objection (center_operator)',                    [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('rejectObjection', 'a submitted objection (center_operator)',                    [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('traceObjection', 'an objection being verified (center_operator: not tracing)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 409, 403, 403, 403]),
  row('verifyObjectionTask', "the police's open task (its reviewer)",                 [401, 403, 403, 403, 403, 200, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('requestObjectionTaskExtension', "the police's open task (its reviewer)",       [401, 403, 403, 403, 403, 200, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('decideObjectionTaskExtension', 'a task with an extension asked (center_operator)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 200, 403, 403, 403]),
  row('giveObjectionFeedback', 'an objection being verified (center_operator: no result yet)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 409, 403, 403, 403]),
  row('contestObjection', "an objection being verified (the objector's requester: no feedback yet)", [401, 409, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('acceptObjectionResult', "an objection being verified (the objector's requester: no result yet)", [401, 409, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 403]),
  row('decideObjectionContest', 'an objection being verified (center_operator: not contested)', [401, 403, 403, 403, 403, 403, 403, 404, 404, 404, 409, 403, 403, 403]),
  row('listDataMarks', "the marks on the police's dataset (holders, the owner, the center)", [401, 200, 200, 200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200]),
  row('getMonthlyEvaluation', "the month's evaluation (a department: the city and its own row)", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
];

export const rowName = (r: Pick<MatrixRow, 'operationId' | 'variant'>) => (r.variant ? `${r.operationId} [${r.variant}]` : r.operationId);
