/**
 * The register as the demo (and a new deployment's curators) start from: real instruments cited
 * as published, two of them explicitly prohibiting the provision of the data they govern.
 */
import { and, eq } from 'drizzle-orm';
import { actingAs } from '../identity/index.js';
import type { Db } from '../platform/db/client.js';
import { legalBases, legalBasisVersions } from '../platform/db/schema.js';
import type { SeedStep } from '../platform/seeding.js';
import type { LegalBasisContent } from './rules/register.js';
import { addLegalBasis } from './service.js';

export const REAL_INSTRUMENTS: (LegalBasisContent & { note: string })[] = [
  {
    kind: 'law',
    title: '《中华人民共和国统计法》',
    article: '第二十五条',
    excerpt: '统计调查中获得的能够识别或者推断单个统计调查对象身份的资料，任何单位和个人不得对外提供、泄露，不得用于统计以外的目的。',
    prohibitsSharing: true,
    inForce: true,
    note: '2009年6月27日第十一届全国人民代表大会常务委员会第九次会议修订',
  },
  {
    kind: 'law',
    title: '《中华人民共和国刑事诉讼法》',
    article: '第二百八十六条',
    excerpt:
      '犯罪的时候不满十八周岁，被判处五年有期徒刑以下刑罚的，应当对相关犯罪记录予以封存。犯罪记录被封存的，不得向任何单位和个人提供，但司法机关为办案需要或者有关单位根据国家规定进行查询的除外。依法进行查询的单位，应当对被封存的犯罪记录的情况予以保密。',
    prohibitsSharing: true,
    inForce: true,
    note: '2018年10月26日第十三届全国人民代表大会常务委员会第六次会议修正',
  },
  {
    kind: 'law',
    title: '《中华人民共和国个人信息保护法》',
    article: '第三十四条',
    excerpt: '国家机关为履行法定职责处理个人信息，应当依照法律、行政法规规定的权限、程序进行，不得超出履行法定职责所必需的范围和限度。',
    prohibitsSharing: false,
    inForce: true,
    note: '2021年8月20日第十三届全国人民代表大会常务委员会第三十次会议通过',
  },
  {
    kind: 'law',
    title: '《中华人民共和国数据安全法》',
    article: '第三十八条',
    excerpt:
      '国家机关为履行法定职责的需要收集、使用数据，应当在其履行法定职责的范围内依照法律、行政法规规定的条件和程序进行；对在履行职责中知悉的个人隐私、个人信息、商业秘密、保密商务信息等数据应当依法予以保密，不得泄露或者非法向他人提供。',
    prohibitsSharing: false,
    inForce: true,
    note: '2021年6月10日第十三届全国人民代表大会常务委员会第二十九次会议通过',
  },
  {
    kind: 'policy_document',
    title: '《政务信息资源共享管理暂行办法》',
    documentNumber: '国发〔2016〕51号',
    article: '第五条',
    excerpt: '以共享为原则，不共享为例外。各政务部门形成的政务信息资源原则上应予共享，涉及国家秘密和安全的，按照相关法律法规执行。',
    prohibitsSharing: false,
    inForce: true,
    note: '国务院2016年9月5日印发',
  },
];

/** A seeded entry's id by its title and article (the demo's refusals cite them). */
export async function legalBasisIdOf(db: Db, title: string, article: string): Promise<string> {
  const [row] = await db
    .select({ id: legalBases.id })
    .from(legalBases)
    .innerJoin(
      legalBasisVersions,
      and(eq(legalBasisVersions.legalBasisId, legalBases.id), eq(legalBasisVersions.version, legalBases.currentVersion)),
    )
    .where(and(eq(legalBasisVersions.title, title), eq(legalBasisVersions.article, article)));
  if (!row) throw new Error(`the register has no ${title}${article}: the legal-basis step seeds it`);
  return row.id;
}

/** The register, entered by the competent authority's supervisor through the service. */
export const legalBasisSeedStep: SeedStep = {
  name: 'legal-basis register: real instruments',
  run: async (context) => {
    const supervisor = await actingAs(context, 'data.supervisor');
    for (const instrument of REAL_INSTRUMENTS) await addLegalBasis(supervisor, instrument);
  },
};
