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
 * services and the objection workflows: one waiting for the center, one whose trace to the fused
 * data's sources the center is to confirm, one being verified by the data's owner, one partially
 * corrected (of its two sources one corrected, one confirmed) and fed back within the contest
 * window, one contested, one rejected as out of scope, one corrected, fed back and archived with
 * its mark revoked.
 */
export const objectionsSeedStep: SeedStep = {
  name: 'objections: raised, tracing, verifying, fed back, contested, rejected and archived',
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
    const hrssOnFused = await grantOf('SH-HRSS', 'PSB-RH-009');
    const verify = async (username: string, id: string, args: object) => {
      const ctx = await as(username);
      const task = (await objectionDetail(ctx, id)).tasks.find((t) => t.department.id === ctx.actor.departmentId && !t.outcome);
      await act(username, id, 'verify', { taskId: task!.id, ...args });
    };
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
    await seedFusedAndContested({ raiseAs, act, verify, hrssOnFused, amrOnEmployment });
  },
};

type Kit = {
  raiseAs: (
    username: string,
    grantId: string,
    recordKey: string,
    field: string,
    values: [string, string],
    reason: string,
  ) => Promise<string>;
  act: (username: string, id: string, name: 'accept' | 'trace' | 'give_feedback' | 'contest', args: object) => Promise<unknown>;
  verify: (username: string, id: string, args: object) => Promise<void>;
  hrssOnFused: string;
  amrOnEmployment: string;
};

/** The fused data's objections (one being traced, one partially corrected and fed back) and a contested one. */
async function seedFusedAndContested({ raiseAs, act, verify, hrssOnFused, amrOnEmployment }: Kit): Promise<void> {
  // Accepted and marked; the center is to confirm the trace to the police's and the medical-insurance bureau's data.
  const tracing = await raiseAs('hrss.requester', hrssOnFused, PEOPLE[1]!, '姓名', ['李华', '李桦'], '与社保登记姓名不一致');
  await act('dsc.operator', tracing, 'accept', {});
  // Traced to both sources: the police correct, the medical-insurance bureau confirms — partially corrected, fed back.
  const partial = await raiseAs('hrss.requester', hrssOnFused, PEOPLE[0]!, '姓名', ['王小明', '王晓明'], '与户籍登记姓名不一致');
  await act('dsc.operator', partial, 'accept', {});
  await act('dsc.operator', partial, 'trace', {});
  await verify('psb.reviewer', partial, {
    outcome: 'corrected',
    valueBefore: '王小明',
    valueAfter: '王晓明',
    correctionReference: 'RK-2026-1204-0007',
  });
  await verify('hsa.reviewer', partial, { outcome: 'confirmed_accurate', explanation: '医保参保登记姓名与本人申报材料一致' });
  await act('dsc.operator', partial, 'give_feedback', { feedback: '公安源头已更正为王晓明；医保源头经核实与申报材料一致' });
  // Confirmed accurate, fed back, contested: the center is to decide.
  const contested = await raiseAs('amr.requester', amrOnEmployment, PEOPLE[1]!, '就业状态', ['就业', '失业'], '该人员已办理失业登记');
  await act('dsc.operator', contested, 'accept', {});
  await verify('hrss.reviewer', contested, { outcome: 'confirmed_accurate', explanation: '就业登记信息与用人单位申报一致' });
  await act('dsc.operator', contested, 'give_feedback', { feedback: '经人社部门核实，就业状态无误' });
  await act('amr.requester', contested, 'contest', { reasons: '该人员已于上月办理失业登记，附失业登记证明' });
}
