import { AbilityBuilder, createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import type { Role } from './roles.js';

/** Everything a user can attempt. */
export const Action = {
  manage: 'manage',
  read: 'read',
  create: 'create',
  update: 'update',
  delete: 'delete',
  verify: 'verify',
  /** Set a dataset's aggregation status (归集): the center only. */
  aggregate: 'aggregate',
  /** Put a scenario on or off the key-work list: the center only. */
  curate: 'curate',
  /** The owner's decisions on a request: approve, refuse, ask for a supplement or an extension. */
  decide: 'decide',
  /** The center's steps on a request: deliver, decide extensions, coordinate. */
  coordinate: 'coordinate',
  /** Decide a dispute (争议) over a refusal: the competent authority's supervisor. */
  adjudicate: 'adjudicate',
  /** File a renewal (续期) of a grant: the holder department's requester. */
  renew: 'renew',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

/** Everything a rule can be about. */
export const Subject = {
  Department: 'Department',
  User: 'User',
  AuditEntry: 'AuditEntry',
  AuditLedger: 'AuditLedger',
  Notification: 'Notification',
  Webhook: 'Webhook',
  WebhookDelivery: 'WebhookDelivery',
  Calendar: 'Calendar',
  SlaClock: 'SlaClock',
  Dataset: 'Dataset',
  Scenario: 'Scenario',
  Request: 'Request',
  Grant: 'Grant',
  PolicyProfile: 'PolicyProfile',
  Commitment: 'Commitment',
  /** An entry of the legal-basis register (法律依据库). */
  LegalBasis: 'LegalBasis',
  /** A department's figures on the SLA dashboard (看板) and in the monthly evaluation (考核评估). */
  Dashboard: 'Dashboard',
  /** A system calling with its own credential (the exchange's gateway). */
  ServiceClient: 'ServiceClient',
  /** An objection (异议) to shared data, with its verification tasks and its mark. */
  Objection: 'Objection',
  /** A run of the reconciler (对账) comparing the database with the workflows. */
  Reconciliation: 'Reconciliation',
} as const;
export type SubjectType = (typeof Subject)[keyof typeof Subject];

export type AppAbility = MongoAbility<[Action, SubjectType | 'all'], MongoQuery>;

/** Who is acting: a user, for exactly one department, with roles. */
export interface Actor {
  userId: string;
  departmentId: string;
  roles: readonly Role[];
  department: { isDataCenter: boolean; isCompetentAuthority: boolean };
}

/**
 * The one ability factory (DESIGN.md, roles and visibility). Rules are stated once here and used
 * both for single records (`can`) and, translated to SQL, for lists — so a list never shows
 * what a single read would refuse.
 */
export function defineAbilityFor(actor: Actor): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  // Conditions are plain objects over each subject's fields (see the field maps in queries).
  const own = { departmentId: actor.departmentId };
  const self = { id: actor.userId };
  const actedByOwnDepartment = { actorDepartmentId: actor.departmentId };
  const ownDatasets = { ownerDepartmentId: actor.departmentId };
  const published = { lifecycle: 'published' };
  const ledByOwnDepartment = { leadDepartmentId: actor.departmentId };
  const has = (role: Role) => actor.roles.includes(role);
  // A request is a draft until filed: only its requester department sees drafts.
  const requestedByOwnDepartment = { requesterDepartmentId: actor.departmentId };
  // (String subject types make CASL type conditions as MongoQuery<never>; operators need the cast.)
  const filed = { state: { $ne: 'draft' } } as unknown as MongoQuery<never>;
  const filedToOwnDepartment = { ownerDepartmentId: actor.departmentId, state: { $ne: 'draft' } } as unknown as MongoQuery<never>;
  const grantedToOwnDepartment = { requesterDepartmentId: actor.departmentId };
  const grantedFromOwnDepartment = { ownerDepartmentId: actor.departmentId };
  // An objection's parties: the department that raised it, the data's owner, a source department verifying it.
  const objectedByOwnDepartment = { objectorDepartmentId: actor.departmentId };
  const objectionOnOwnData = { ownerDepartmentId: actor.departmentId };
  const verifiedByOwnDepartment = { verifierDepartmentIds: actor.departmentId };

  // Every signed-in user: the department directory, themselves, their department's inbox.
  // The legal-basis register is public to every user: an owner picks from it, a requester reads what was cited.
  can(Action.read, [Subject.Department, Subject.Calendar, Subject.Scenario, Subject.LegalBasis]);
  can(Action.read, Subject.User, self);
  can(Action.read, Subject.Notification, own);
  // Marking read changes the shared inbox (and is audited): not for auditors, who change nothing.
  if (!has('auditor')) can(Action.update, Subject.Notification, own);
  can(Action.read, Subject.Dataset, published);
  can(Action.read, [Subject.PolicyProfile, Subject.Commitment]);
  // Every user of a party department sees the request and its grant, whatever their roles.
  can(Action.read, Subject.Request, requestedByOwnDepartment);
  can(Action.read, Subject.Request, filedToOwnDepartment);
  can(Action.read, Subject.Grant, grantedToOwnDepartment);
  can(Action.read, Subject.Grant, grantedFromOwnDepartment);
  can(Action.read, Subject.Dashboard, own);
  can(Action.read, Subject.Objection, objectedByOwnDepartment);
  can(Action.read, Subject.Objection, objectionOnOwnData);
  can(Action.read, Subject.Objection, verifiedByOwnDepartment);
  // Files, edits drafts, supplements, withdraws.
  if (has('requester')) can([Action.create, Action.update], Subject.Request, requestedByOwnDepartment);
  if (has('reviewer')) can(Action.decide, Subject.Request, filedToOwnDepartment);
  // The owner's reviewer suspends, resumes and revokes grants on its data; the holder's requester renews.
  if (has('reviewer')) can(Action.decide, Subject.Grant, grantedFromOwnDepartment);
  if (has('requester')) can(Action.renew, Subject.Grant, grantedToOwnDepartment);
  // A requester raises objections for its department (holding a valid grant is the service's check), adds evidence, contests.
  if (has('requester')) can([Action.create, Action.update], Subject.Objection, objectedByOwnDepartment);
  // A source department's reviewer verifies its task and asks for its extension.
  if (has('reviewer')) can(Action.decide, Subject.Objection, verifiedByOwnDepartment);
  if (has('reviewer') || has('dept_admin')) {
    // The owner side maintains its own catalogue entries, drafts included.
    can([Action.read, Action.create, Action.update], Subject.Dataset, ownDatasets);
  }

  if (has('dept_admin')) {
    can([Action.read, Action.create, Action.update], Subject.User, own);
    can([Action.read, Action.create, Action.delete], Subject.Webhook, own);
    can([Action.create, Action.update], Subject.Scenario, ledByOwnDepartment);
    can(Action.read, Subject.WebhookDelivery, own);
    can(Action.read, Subject.AuditEntry, actedByOwnDepartment);
  }
  if (has('center_operator')) {
    can(Action.read, [Subject.User, Subject.Webhook, Subject.WebhookDelivery, Subject.SlaClock, Subject.Dataset]);
    can([Action.read, Action.coordinate], Subject.Request, filed);
    can(Action.read, [Subject.Grant, Subject.Dashboard, Subject.ServiceClient, Subject.Objection]);
    can(Action.coordinate, [Subject.Grant, Subject.Objection]);
    can([Action.read, Action.create], Subject.Reconciliation);
  }
  if (has('center_admin')) {
    can([Action.read, Action.create, Action.update], [Subject.Department, Subject.User]);
    can(Action.update, Subject.Calendar);
    can([Action.create, Action.update, Action.curate], Subject.Scenario);
    can(Action.read, [Subject.Webhook, Subject.WebhookDelivery, Subject.AuditEntry, Subject.SlaClock, Subject.Dataset]);
    can(Action.aggregate, Subject.Dataset);
    can([Action.read, Action.create, Action.update], Subject.ServiceClient);
    can([Action.create], [Subject.PolicyProfile, Subject.Commitment]);
    can([Action.create, Action.update], Subject.LegalBasis);
    can(Action.read, Subject.Request, filed);
    can(Action.read, [Subject.Grant, Subject.Dashboard, Subject.Objection]);
    can([Action.read, Action.create], Subject.Reconciliation);
  }
  if (has('supervisor')) {
    // Parties of a request, grant or objection will read its clocks too (with those subjects).
    can(Action.read, [Subject.User, Subject.SlaClock, Subject.Dataset, Subject.Grant, Subject.Dashboard, Subject.Objection]);
    can([Action.read, Action.adjudicate], Subject.Request, filed);
    // The competent authority curates the legal-basis register with the center.
    can([Action.create, Action.update], Subject.LegalBasis);
  }
  if (has('auditor')) {
    // Reads everything, changes nothing (role validation keeps auditors free of other roles).
    can(Action.read, 'all');
    can(Action.verify, Subject.AuditLedger);
  }
  return build();
}
