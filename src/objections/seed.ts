import { and, eq } from 'drizzle-orm';
import { actingAs } from '../identity/index.js';
import { datasets, departments, grants } from '../platform/db/schema.js';
import type { SeedContext, SeedStep } from '../platform/seeding.js';
import { DEFAULT_POLICY_NAME } from '../requests/rules/policy.js';
import { actOnObjection, objectionDetail, raise } from './service.js';

/** Valid resident identity numbers (check digits worked out by hand, GB 11643). */
const PEOPLE = ['11010519491231002X', '110105198001010016'];

/**
 * Objections in several states for the demo, raised and moved on by the demo users through the
 * services and the objection workflows: one waiting for the center, one being verified by the
 * data's owner, one rejected as out of scope, one corrected, fed back and archived with its mark
 * revoked.
 */
export const objectionsSeedStep: SeedStep = {
  name: 'objections: raised, verifying, rejected and archived',
  run: async (context: SeedContext) => {
    if (!context.temporal) throw new Error('the objections demo step needs the Temporal client');
    const temporal = context.temporal;
    const deps = { temporal, policyName: DEFAULT_POLICY_NAME, log: context.log };
    const grantOf = async (holder: string, dataset: string) => {
      const [row] = await context.db
        .select({ id: grants.id })
        .from(grants)
        .innerJoin(datasets, eq(datasets.id, grants.datasetId))
        .innerJoin(departments, eq(departments.id, grants.requesterDepartmentId))
        .where(and(eq(departments.code, holder), eq(datasets.code, dataset)));
      return row!.id;
    };
    const as = (username: string) => actingAs(context, username);
    const raiseAs = async (username: string, grantId: string, recordKey: string, field: string, values: [string, string], reason: string) =>
      (await raise(await as(username), deps, { grantId, recordKey, field, valueReceived: values[0], valueClaimed: values[1], reason }))
        .objection.id;
    const act = async (username: string, id: string, name: Parameters<typeof actOnObjection>[3], args: object) =>
      actOnObjection(await as(username), temporal, id, name, args as never);

    const psbOnSocialInsurance = await grantOf('SH-PSB', 'HRSS-SB-001');
    const amrOnEmployment = await grantOf('SH-AMR', 'HRSS-JY-002');
    // Waiting for the center's acceptance.
    await raiseAs(
      'psb.requester',
      psbOnSocialInsurance,
      PEOPLE[1]!,
      '缴费月份',
      ['2026-10', '2026-11'],
      '核查中发现缴费月份与单位申报不一致',
    );
    // Accepted and marked; the human-resources bureau verifies.
    const verifying = await raiseAs(
      'amr.requester',
      amrOnEmployment,
      PEOPLE[0]!,
      '就业状态',
      ['失业', '就业'],
      '该人员已在本市登记设立个体工商户',
    );
    await act('dsc.operator', verifying, 'accept', {});
    // Rejected as out of scope.
    const rejected = await raiseAs('amr.requester', amrOnEmployment, PEOPLE[1]!, '姓名', ['张三', '张叁'], '对就业困难人员认定结论有异议');
    await act('dsc.operator', rejected, 'reject', {
      reason: '异议针对的是具体行政行为（就业困难人员认定），应通过行政复议或行政诉讼途径处理',
    });
    // Corrected, fed back, accepted by the objector: archived, the mark revoked.
    const archived = await raiseAs('psb.requester', psbOnSocialInsurance, PEOPLE[0]!, '姓名', ['王小明', '王晓明'], '与户籍登记姓名不一致');
    await act('dsc.operator', archived, 'accept', {});
    const [task] = (await objectionDetail(await as('hrss.reviewer'), archived)).tasks;
    await act('hrss.reviewer', archived, 'verify', {
      taskId: task!.id,
      outcome: 'corrected',
      valueBefore: '王小明',
      valueAfter: '王晓明',
      correctionReference: 'SB-2026-1203-0001',
    });
    await act('dsc.operator', archived, 'give_feedback', { feedback: '经人社部门核实，姓名已更正为王晓明' });
    await act('psb.requester', archived, 'accept_result', { note: '认可' });
  },
};
