/**
 * The dashboard's filters, kept in the URL: the period (this month until chosen), the owner
 * department, the district, the track. A department user's figures are its own: the department is
 * shown, not chosen.
 */
import { Card, DatePicker, Form, Input } from 'antd';
import dayjs from 'dayjs';
import { FilterSelect } from '../../components/FilterSelect';
import { useDepartments } from '../../lib/directory';
import { TRACK_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { useDashboardFilters } from './api';

export function Filters({ period = true, department = true }: { period?: boolean; department?: boolean }) {
  const { filters, set, cityWide } = useDashboardFilters();
  const { me } = useSession();
  const departments = useDepartments();
  const all = departments.data?.items ?? [];
  // District governments: the district-level departments that stand alone (their departments sit under them).
  const districts = all.filter((d) => d.level === 'district' && d.parentId === null);
  return (
    <Card size="small" className="no-print">
      <Form layout="inline" style={{ rowGap: 8 }}>
        {period && (
          <Form.Item label="统计区间">
            <DatePicker.RangePicker
              aria-label="统计区间"
              allowClear={false}
              value={[dayjs(filters.from), dayjs(filters.to)]}
              onChange={(range) => {
                const [from, to] = range ?? [];
                if (from && to) set({ from: from.format('YYYY-MM-DD'), to: to.format('YYYY-MM-DD') });
              }}
            />
          </Form.Item>
        )}
        {department &&
          (cityWide ? (
            <FilterSelect
              label="数据责任部门"
              searchable
              width={240}
              value={filters.departmentId}
              onChange={(departmentId) => set({ departmentId })}
              options={all.map((d) => ({ value: d.id, label: d.name }))}
            />
          ) : (
            <Form.Item label="数据责任部门">
              <Input aria-label="数据责任部门" readOnly value={me?.department.name} style={{ width: 240 }} />
            </Form.Item>
          ))}
        {department && cityWide && (
          <FilterSelect
            label="区"
            searchable
            width={200}
            value={filters.districtId}
            onChange={(districtId) => set({ districtId })}
            options={districts.map((d) => ({ value: d.id, label: d.name }))}
          />
        )}
        <FilterSelect
          label="通道"
          value={filters.track ? String(filters.track) : undefined}
          onChange={(track) => set({ track })}
          options={Object.entries(TRACK_LABELS).map(([value, label]) => ({ value, label }))}
          width={160}
        />
      </Form>
    </Card>
  );
}
