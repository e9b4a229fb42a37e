/** The scenarios' Chinese terms. */
import type { Schemas } from '../../lib/api';

export const KIND_LABELS: Record<Schemas['ScenarioKind'], string> = {
  one_network_service: '一网通办',
  one_network_governance: '一网统管',
  no_application: '免申即享',
  other: '其他',
};
