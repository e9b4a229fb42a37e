/** A list filter kept in the URL: a labelled, clearable choice ("全部" when empty). */
import { Form, Select } from 'antd';

export function FilterSelect(props: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  options: { value: string; label: string }[];
  width?: number;
  /** Type to narrow long lists (departments). */
  searchable?: boolean;
}) {
  return (
    <Form.Item label={props.label}>
      <Select
        aria-label={props.label}
        allowClear
        showSearch={props.searchable ?? false}
        optionFilterProp="label"
        style={{ width: props.width ?? 140 }}
        value={props.value}
        onChange={(value?: string) => props.onChange(value)}
        options={props.options}
        placeholder="全部"
      />
    </Form.Item>
  );
}
