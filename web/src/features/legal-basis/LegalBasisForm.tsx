/**
 * An entry of the legal-basis register as its curator writes it: the instrument (kind, title in
 * 《》, document number), the article, the provision, whether it explicitly prohibits sharing,
 * whether it is in force — and why (a note when added, a reason when revised). The contract's
 * limits and the register's rules are checked before sending.
 */
import { Checkbox, Form, Input, Select } from 'antd';
import type { Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';

export const KIND_LABELS: Record<Schemas['InstrumentKind'], string> = {
  law: '法律',
  administrative_regulation: '行政法规',
  local_regulation: '地方性法规',
  rule: '规章',
  policy_document: '政策文件',
};

export interface EntryValues {
  kind: Schemas['InstrumentKind'];
  title: string;
  documentNumber?: string | null;
  article?: string | null;
  excerpt: string;
  prohibitsSharing: boolean;
  inForce: boolean;
  note?: string | null;
  reason?: string;
}

const blankToNull = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

/** The fields the API takes (blank optional texts sent as null). */
export function entryContent(v: EntryValues) {
  return {
    kind: v.kind,
    title: v.title.trim(),
    documentNumber: blankToNull(v.documentNumber),
    article: blankToNull(v.article),
    excerpt: v.excerpt.trim(),
    prohibitsSharing: v.prohibitsSharing,
    inForce: v.inForce,
  };
}

export function LegalBasisFields({ revising }: { revising: boolean }) {
  const operation = revising ? 'reviseLegalBasis' : 'createLegalBasis';
  return (
    <>
      <Form.Item name="kind" label="文件类别" rules={rulesFor(operation, 'kind', '文件类别')}>
        <Select options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} />
      </Form.Item>
      <Form.Item
        name="title"
        label="文件名称"
        extra="用书名号写明公布的名称，如《中华人民共和国数据安全法》"
        rules={[...rulesFor(operation, 'title', '文件名称'), { pattern: /^《[^《》]+》/, message: '文件名称须以书名号《》括起' }]}
      >
        <Input {...inputLimits(operation, 'title')} />
      </Form.Item>
      <Form.Item name="documentNumber" label="文号" rules={rulesFor(operation, 'documentNumber', '文号')}>
        <Input {...inputLimits(operation, 'documentNumber')} placeholder="如：国发〔2016〕51号" />
      </Form.Item>
      <Form.Item
        name="article"
        label="条款"
        dependencies={['kind', 'prohibitsSharing']}
        rules={[
          ...rulesFor(operation, 'article', '条款'),
          ({ getFieldValue }) => ({
            validator: (_, value: string | null | undefined) => {
              if (value?.trim()) return Promise.resolve();
              if (getFieldValue('prohibitsSharing')) return Promise.reject(new Error('明确禁止共享的规定须写明所在条款'));
              if (getFieldValue('kind') !== 'policy_document') return Promise.reject(new Error('除整体引用的政策文件外，须写明条款'));
              return Promise.resolve();
            },
          }),
        ]}
      >
        <Input {...inputLimits(operation, 'article')} placeholder="如：第三十八条" />
      </Form.Item>
      <Form.Item name="excerpt" label="条文内容" rules={rulesFor(operation, 'excerpt', '条文内容')}>
        <Input.TextArea rows={4} {...inputLimits(operation, 'excerpt')} showCount />
      </Form.Item>
      <Form.Item name="prohibitsSharing" valuePropName="checked">
        <Checkbox>明确禁止共享或归集（免申即享申请只能依据此类条目不予共享）</Checkbox>
      </Form.Item>
      <Form.Item name="inForce" valuePropName="checked">
        <Checkbox>现行有效（已废止或被替代的不能再被引用）</Checkbox>
      </Form.Item>
      {revising ? (
        <Form.Item name="reason" label="修订理由" rules={rulesFor('reviseLegalBasis', 'reason', '修订理由')}>
          <Input.TextArea rows={2} {...inputLimits('reviseLegalBasis', 'reason')} showCount />
        </Form.Item>
      ) : (
        <Form.Item name="note" label="来源说明" rules={rulesFor('createLegalBasis', 'note', '来源说明')}>
          <Input.TextArea rows={2} {...inputLimits('createLegalBasis', 'note')} showCount placeholder="条文摘自何处" />
        </Form.Item>
      )}
    </>
  );
}
