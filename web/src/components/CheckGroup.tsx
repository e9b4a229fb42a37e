/**
 * A checkbox group inside a form item. Ant Design's form passes aria-required / aria-invalid to its
 * control, which a plain group may not carry (axe: aria-allowed-attr); the group carries its label
 * itself, and each checkbox its own text.
 */
import { Checkbox } from 'antd';
import type { CheckboxGroupProps } from 'antd/es/checkbox';

interface Props extends Pick<CheckboxGroupProps, 'value' | 'onChange' | 'options'> {
  id?: string;
  label: string;
}

export function CheckGroup({ id, value, onChange, options, label }: Props) {
  return (
    <div role="group" aria-label={label} id={id}>
      <Checkbox.Group value={value} onChange={onChange} options={options} />
    </div>
  );
}
