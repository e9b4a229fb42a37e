/**
 * The legal-basis register's use cases: list and read (every user), add and revise (the competent
 * authority's supervisor or the center administrator), each change a new version in the audit
 * ledger; and the citation a written explanation takes from it.
 */
import { and, asc, desc, eq, gt, or, sql, type SQL } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { auditActor, authorize, authorizeCreate, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Db, Tx } from '../platform/db/client.js';
import { legalBases, legalBasisVersions, users } from '../platform/db/schema.js';
import { ConflictError, NotFoundError, RuleViolationError } from '../platform/errors.js';
import type { JsonBody, JsonRequest, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, isSortKeyCursor, page } from '../platform/http/cursor.js';
import { legalBasisView } from './presenters.js';
import { legalBasisProblems, type LegalBasisContent, type LegalCitation } from './rules/register.js';

export type LegalBasisVersionRow = typeof legalBasisVersions.$inferSelect;
type EntryInput = JsonRequest<'createLegalBasis'>;
type Detail = JsonBody<'getLegalBasis', 200>;

const contentOf = (input: EntryInput | JsonRequest<'reviseLegalBasis'>): LegalBasisContent => ({
  kind: input.kind,
  title: input.title.trim(),
  documentNumber: input.documentNumber?.trim() || null,
  article: input.article?.trim() || null,
  excerpt: input.excerpt.trim(),
  prohibitsSharing: input.prohibitsSharing,
  inForce: input.inForce,
});

function checkContent(content: LegalBasisContent): void {
  const problems = legalBasisProblems(content);
  if (problems.length) throw new RuleViolationError('invalid_legal_basis', problems.join('; '), { problems });
}

/** Each entry at its current version. */
const currentVersion = and(eq(legalBases.id, legalBasisVersions.legalBasisId), eq(legalBases.currentVersion, legalBasisVersions.version));

const notFound = () => new NotFoundError('legal_basis_not_found', 'No legal-basis register entry with that id');

/** Every word of the query somewhere in the entry, in any case (no pattern syntax to escape). */
function matchesWords(q: string): SQL | undefined {
  const words = q.split(/\s+/).filter(Boolean);
  const text = sql`lower(${legalBasisVersions.title} || ' ' || coalesce(${legalBasisVersions.documentNumber}, '') || ' ' || coalesce(${legalBasisVersions.article}, '') || ' ' || ${legalBasisVersions.excerpt})`;
  return words.length ? and(...words.map((w) => sql`strpos(${text}, lower(${w})) > 0`)) : undefined;
}

async function versionsOf(db: Db | Tx, id: string): Promise<LegalBasisVersionRow[]> {
  return db.select().from(legalBasisVersions).where(eq(legalBasisVersions.legalBasisId, id)).orderBy(desc(legalBasisVersions.version));
}

/** The entry at its current version, if there is one. */
export async function currentEntry(db: Db | Tx, id: string): Promise<LegalBasisVersionRow | undefined> {
  const [row] = await db
    .select({ v: legalBasisVersions })
    .from(legalBasisVersions)
    .innerJoin(legalBases, currentVersion)
    .where(eq(legalBases.id, id));
  return row?.v;
}

/** What a written explanation cites from the register: the entry as it stands now, fixed at its version. */
export async function citeLegalBasis(db: Db | Tx, id: string): Promise<LegalCitation> {
  const entry = await currentEntry(db, id);
  if (!entry) throw new RuleViolationError('unknown_legal_basis', 'legalBasisId: no legal-basis register entry with that id');
  const [curator] = entry.createdBy
    ? await db.select({ departmentId: users.departmentId }).from(users).where(eq(users.id, entry.createdBy))
    : [];
  return {
    source: 'register',
    entryId: entry.legalBasisId,
    version: entry.version,
    kind: entry.kind,
    title: entry.title,
    documentNumber: entry.documentNumber,
    article: entry.article,
    prohibitsSharing: entry.prohibitsSharing,
    inForce: entry.inForce,
    curatedByDepartmentId: curator?.departmentId ?? null,
  };
}

/** Adds an instrument at version 1 (the seed and the API both come here). */
export async function addLegalBasis(ctx: RequestContext, input: EntryInput): Promise<string> {
  authorizeCreate(ctx.actor.ability, Subject.LegalBasis, {});
  const content = contentOf(input);
  checkContent(content);
  return ctx.db.transaction(async (tx) => {
    const [entry] = await tx.insert(legalBases).values({ currentVersion: 1, createdAt: ctx.now, updatedAt: ctx.now }).returning();
    const note = input.note?.trim() || null;
    await tx
      .insert(legalBasisVersions)
      .values({ legalBasisId: entry!.id, version: 1, ...content, note, createdAt: ctx.now, createdBy: ctx.actor.userId });
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'supervisor', 'center_admin'),
      action: 'legal_basis.created',
      subjectType: Subject.LegalBasis,
      subjectId: entry!.id,
      after: { version: 1, ...content, note },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return entry!.id;
  });
}

export class LegalBasisService {
  constructor(private readonly deps: { db: Db }) {}

  async list(ctx: RequestContext, query: QueryParams<'listLegalBases'>): Promise<JsonBody<'listLegalBases', 200>> {
    authorize(ctx.actor.ability, Action.read, Subject.LegalBasis, {});
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, (v) => isSortKeyCursor(v, ['title'] as const));
    const rows = await this.deps.db
      .select({ v: legalBasisVersions })
      .from(legalBasisVersions)
      .innerJoin(legalBases, currentVersion)
      .where(
        and(
          query.q ? matchesWords(query.q) : undefined,
          query.kind ? eq(legalBasisVersions.kind, query.kind) : undefined,
          query.prohibitsSharing === undefined ? undefined : eq(legalBasisVersions.prohibitsSharing, query.prohibitsSharing),
          query.inForce === undefined ? undefined : eq(legalBasisVersions.inForce, query.inForce),
          after
            ? or(
                gt(legalBasisVersions.title, after.key),
                and(eq(legalBasisVersions.title, after.key), gt(legalBasisVersions.legalBasisId, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(legalBasisVersions.title), asc(legalBasisVersions.legalBasisId))
      .limit(limit + 1);
    const result = page(
      rows.map((r) => r.v),
      limit,
      (v) => ({ sort: 'title', key: v.title, id: v.legalBasisId }),
    );
    return { items: result.items.map(legalBasisView), nextCursor: result.nextCursor };
  }

  async detail(ctx: RequestContext, id: string): Promise<Detail> {
    authorize(ctx.actor.ability, Action.read, Subject.LegalBasis, {});
    const versions = await versionsOf(this.deps.db, id);
    if (!versions.length) throw notFound();
    return { entry: legalBasisView(versions[0]!), versions: versions.map(legalBasisView) };
  }

  async create(ctx: RequestContext, input: EntryInput): Promise<Detail> {
    return this.detail(ctx, await addLegalBasis(ctx, input));
  }

  /** A new version with its reason; what explanations cited stays as it was. */
  async revise(ctx: RequestContext, id: string, input: JsonRequest<'reviseLegalBasis'>): Promise<Detail> {
    await ctx.db.transaction(async (tx) => {
      const [entry] = await tx.select().from(legalBases).where(eq(legalBases.id, id)).for('update');
      if (!entry) throw notFound();
      authorize(ctx.actor.ability, Action.update, Subject.LegalBasis, entry);
      if (input.expectedVersion !== undefined && input.expectedVersion !== entry.currentVersion)
        throw new ConflictError(
          'stale_version',
          `The entry is at version ${entry.currentVersion}, not ${input.expectedVersion}: reload it`,
          {
            currentVersion: entry.currentVersion,
          },
        );
      const before = (await currentEntry(tx, id))!;
      const content = contentOf(input);
      checkContent(content);
      const version = entry.currentVersion + 1;
      const reason = input.reason.trim();
      if (!reason) throw new RuleViolationError('invalid_legal_basis', 'reason: say why the entry changes');
      await tx
        .insert(legalBasisVersions)
        .values({ legalBasisId: id, version, ...content, note: reason, createdAt: ctx.now, createdBy: ctx.actor.userId });
      await tx.update(legalBases).set({ currentVersion: version, updatedAt: ctx.now }).where(eq(legalBases.id, id));
      const { legalBasisId: _id, createdAt: _at, createdBy: _by, note: _note, ...previous } = before;
      await appendAudit(tx, {
        actor: auditActor(ctx.actor, 'supervisor', 'center_admin'),
        action: 'legal_basis.revised',
        subjectType: Subject.LegalBasis,
        subjectId: id,
        before: previous,
        after: { version, ...content },
        reason,
        requestId: ctx.requestId,
        at: ctx.now,
      });
    });
    return this.detail(ctx, id);
  }
}
