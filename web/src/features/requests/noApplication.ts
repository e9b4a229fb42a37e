/**
 * Whether the request serves a 免申即享 scenario: then not sharing, narrowing and explanations rest
 * on a register entry that explicitly prohibits sharing (the catalogued basis does not do).
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../lib/api';

export function useNoApplication(detail: Schemas['RequestDetail']): boolean {
  const scenarioId = detail.request.scenarioId;
  const scenario = useQuery({
    queryKey: ['scenario', scenarioId],
    queryFn: () => unwrap(api.GET('/api/v1/scenarios/{scenarioId}', { params: { path: { scenarioId: scenarioId! } } })),
    enabled: scenarioId !== null,
    staleTime: 10 * 60_000,
  });
  return scenario.data?.kind === 'no_application';
}
