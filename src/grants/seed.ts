import { eq } from 'drizzle-orm';
import { actingAs, createServiceClient } from '../identity/index.js';
import { datasets, departments } from '../platform/db/schema.js';
import type { SeedStep } from '../platform/seeding.js';
import { checkUseForExchange } from './exchange.js';
import { UsageRecorder } from './usage-records.js';

/**
 * The exchange gateway's service client and a morning of its checks (安全监管): the public-security
 * bureau's calls inside its grant on social-insurance records, one asking for a field beyond it,
 * the market regulator's calls on its employment-records grant, and the human-resources bureau
 * asking for household data it holds no grant on — the last two flagged to the center and owner.
 */
export const grantsSeedStep: SeedStep = {
  name: 'grants: the exchange gateway and its checks, inside and outside the grants',
  run: async (context) => {
    const admin = await actingAs(context, 'dsc.admin');
    const { client } = await createServiceClient(admin, '市数据共享交换平台（接口网关）');
    const department = async (code: string) =>
      (await context.db.select({ id: departments.id }).from(departments).where(eq(departments.code, code)))[0]!.id;
    const dataset = async (code: string) =>
      (await context.db.select({ id: datasets.id }).from(datasets).where(eq(datasets.code, code)))[0]!.id;
    const recorder = new UsageRecorder(context.db);
    const check = async (departmentCode: string, datasetCode: string, fields: string[], times = 1) => {
      const input = { departmentId: await department(departmentCode), datasetId: await dataset(datasetCode), fields };
      for (let i = 0; i < times; i++) await checkUseForExchange(context.db, recorder, client, input, await context.clock.now(), null);
    };
    await check('SH-PSB', 'HRSS-SB-001', ['姓名', '公民身份号码'], 12);
    await check('SH-PSB', 'HRSS-SB-001', ['姓名', '公民身份号码', '缴费月份'], 5);
    await check('SH-PSB', 'HRSS-SB-001', ['姓名', '缴费基数']);
    await check('SH-AMR', 'HRSS-JY-002', ['姓名', '就业状态'], 4);
    await check('SH-HRSS', 'PSB-RK-001', ['姓名', '公民身份号码']);
    await recorder.close();
  },
};
