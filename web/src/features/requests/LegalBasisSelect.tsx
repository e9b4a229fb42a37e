/** A legal basis chosen from the register (法律依据库): its in-force entries, searchable, those explicitly prohibiting sharing marked. */
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { api, unwrap } from '../../lib/api';

export function LegalBasisSelect(props: { id?: string; value?: string; onChange?: (value: string | undefined) => void }) {
  const register = useQuery({
    queryKey: ['legal-bases', 'in-force'],
    queryFn: () => unwrap(api.GET('/api/v1/legal-bases', { params: { query: { inForce: true, limit: 200 } } })),
  });
  return (
    <Select
      {...props}
      showSearch
      allowClear
      optionFilterProp="label"
      loading={register.isLoading}
      placeholder="从法律依据库中选择"
      options={(register.data?.items ?? []).map((e) => ({
        value: e.id,
        label: `${e.title}${e.article ?? ''}${e.prohibitsSharing ? '（明确禁止共享）' : ''}`,
      }))}
    />
  );
}
