/** The department directory, read once per session: names for the ids the API answers with. */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api';

/** Every department (the list pages' filters and forms), cached for the session's pages alike. */
export function useDepartments() {
  return useQuery({
    queryKey: ['departments'],
    queryFn: () => unwrap(api.GET('/api/v1/departments')),
    staleTime: 10 * 60_000,
  });
}

export function useDepartmentNames(): (id: string | null | undefined) => string {
  const departments = useDepartments();
  const names = new Map((departments.data?.items ?? []).map((d) => [d.id, d.name]));
  return (id) => (id ? (names.get(id) ?? '—') : '—');
}
