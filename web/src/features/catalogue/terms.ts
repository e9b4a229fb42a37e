/**
 * The catalogue's own Chinese terms (the same labels the import/export spreadsheet uses) and its
 * rule and import problems in Chinese (the server states them as English sentences).
 */
import { ApiError, type Schemas } from '../../lib/api';

export const LIFECYCLE_LABELS: Record<Schemas['DatasetSummary']['lifecycle'], string> = {
  draft: '草稿',
  published: '已发布',
  retired: '已停用',
};
export const LIBRARY_KIND_LABELS: Record<Schemas['LibraryKind'], string> = {
  basic: '基础库',
  thematic: '主题库',
  special: '专题库',
  department: '部门库',
};
export const BASIC_LIBRARY_LABELS = {
  natural_person: '人口库',
  legal_person: '法人库',
  spatial_geographic: '空间地理库',
  e_licence: '电子证照库',
} as const;
export type BasicLibrary = keyof typeof BASIC_LIBRARY_LABELS;
export const SENSITIVITY_LABELS: Record<Schemas['DatasetField']['sensitivity'], string> = {
  public: '公开',
  internal: '内部',
  sensitive: '敏感',
  core: '核心',
};
export { LEVEL_LABELS } from '../../lib/labels';

/** The aggregation (归集) filter's choices, as the URL keeps them. */
export const AGGREGATION_OPTIONS = [
  { value: 'true', label: '已归集' },
  { value: 'false', label: '未归集' },
];

/**
 * The error with the rule problems it details (`{ path, problem }`, the server's English
 * sentences) as readable lines, in Chinese where the sentence is known (the code's own message
 * comes from lib/error-messages.ts).
 */
export function withReadableProblems(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const details = error.details as { problems?: unknown[] } | undefined;
  const problems = details?.problems?.map((p) => {
    if (typeof p === 'string') {
      const said = problemInChinese(p.replace(/^[\w/]+: /, ''));
      return said ? `${said}（${p}）` : p;
    }
    const { path, problem } = p as { path?: string; problem?: string };
    if (!problem) return JSON.stringify(p);
    const said = problemInChinese(problem);
    return `${path ? `${path}：` : ''}${said ? `${said}（${problem}）` : problem}`;
  });
  return new ApiError(error.status, error.code, error.message, problems ? { ...details, problems } : error.details, error.requestId);
}

/** Import and dataset-rule problems (the server's English sentences), in Chinese where the sentence is known. */
const PROBLEMS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^unknown column "(.+?)"/, (m) => `无法识别的列“${m[1]}”`],
  [/^column "(.+?)" appears twice/, (m) => `列“${m[1]}”重复出现`],
  [/^the required column "(.+?)" is missing/, (m) => `缺少必填列“${m[1]}”`],
  [/^every row names the code of its dataset/, () => '每一行都须填写资源代码'],
  [/is not a dataset code/, () => '资源代码格式不正确：2 至 40 位大写字母、数字或连字符'],
  [/^differs from row (\d+) of dataset/, (m) => `与第 ${m[1]} 行不一致，请照抄或留空`],
  [/^(.+) is required$/, (m) => `${m[1]}为必填项`],
  [/^unknown value "(.+?)"; one of (.+)$/, (m) => `无法识别的值“${m[1]}”，应为 ${m[2]} 之一`],
  [/is neither 是 nor 否/, () => '应填写“是”或“否”'],
  [/^unknown level "(.+?)"/, (m) => `无法识别的部门层级“${m[1]}”`],
  [/is not a whole number of months/, () => '须为整数月数'],
  [/names the law this refers to/, () => '填写条款或“法律明确禁止共享”时，须填写不予共享法律依据'],
  [/is not SOURCE-CODE\.source field/, () => '来源数据项应写作“资源代码.数据项名称”'],
  [/^this row belongs to (.+?); you catalogue for (.+)$/, (m) => `该行属于部门 ${m[1]}，您只能为本部门（${m[2]}）编目`],
  [/^the code (.+?) is already in use/, (m) => `资源代码 ${m[1]} 已被使用，请更换`],
  [/is retired and no longer edited/, () => '该数据资源已停用，不能再修改'],
  [/^does not fit the catalogue/, () => '不符合目录字段要求（长度或取值）'],
  [/^a dataset has a name/, () => '资源名称为必填项'],
  [/^a dataset has at least one field/, () => '至少填写一个数据项'],
  [/^a field has a name/, () => '数据项名称为必填项'],
  [/^field "(.+?)" is listed twice/, (m) => `数据项“${m[1]}”重复`],
  [/^a basic-library dataset/, () => '基础库资源须填写基础库类别（人口库、法人库、空间地理库或电子证照库）'],
  [/^only basic-library datasets name a basic library/, () => '只有基础库资源填写基础库类别'],
  [/states its sharing conditions/, () => '有条件共享的资源须填写共享条件'],
  [/states at least one condition/, () => '有条件共享的资源须至少填写一项共享条件'],
  [/^restricted field "(.+?)" is not a field/, (m) => `不共享数据项“${m[1]}”不是本资源的数据项`],
  [/maximum usage period is 1 to 120 months/, () => '最长使用期限为 1 至 120 个月'],
  [/^unknown department level "(.+?)"/, (m) => `无法识别的部门层级“${m[1]}”`],
  [/^unknown department "(.+?)"/, (m) => `部门代码“${m[1]}”不存在`],
  [/^unknown or retired scenario "(.+?)"/, (m) => `应用场景“${m[1]}”不存在或已停用`],
  [/dataset has no sharing conditions/, () => '无条件共享或不予共享的资源不填写共享条件'],
  [/cites the law or regulation that forbids it/, () => '不予共享的资源须填写禁止共享的法律法规依据'],
  [/is not derived from itself/, () => '资源不能以自身为来源'],
  [/^unknown source dataset "(.+?)"/, (m) => `来源资源“${m[1]}”不存在`],
  [/^a source maps at least one field/, () => '每个来源至少对应一个数据项'],
  [/^"(.+?)" is not a field of this dataset/, (m) => `“${m[1]}”不是本资源的数据项`],
  [/^"(.+?)" is not a field of (.+)$/, (m) => `“${m[1]}”不是 ${m[2]} 的数据项`],
  [/cannot be dropped/, () => '数据项仍被融合数据或应用场景使用，不能删除'],
];

export function problemInChinese(problem: string): string | undefined {
  for (const [pattern, say] of PROBLEMS) {
    const match = pattern.exec(problem);
    if (match) return say(match);
  }
  return undefined;
}
