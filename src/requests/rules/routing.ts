/**
 * Routing a request into track 1, 5 or 15 (DESIGN.md, routing), pure. Evaluated once, at filing,
 * on a stored snapshot; the result names the rule that fired and why, so it can be shown.
 */
import type { SharingType } from '../../catalogue/rules/dataset.js';
import type { Track } from './policy.js';

export interface RoutingSnapshot {
  dataset: { sharingType: SharingType; aggregated: boolean };
  requestedFields: readonly string[];
  /** The request's scenario as the key-work list version in the snapshot saw it; null without one. */
  scenario: { onKeyList: boolean; coveredFields: readonly string[] } | null;
}

export type RoutingRule = 'not_shareable' | 'not_aggregated' | 'key_list_scenario' | 'unconditional' | 'conditional';

export interface RoutingDecision {
  track: Track;
  rule: RoutingRule;
  reasons: string[];
  /** Requested fields the key-list scenario does not cover (why it did not decide track 1). */
  missingFields: string[];
  /** Whether the owner may refuse: not for unconditional data that is only awaiting aggregation. */
  ownerMayRefuse: boolean;
}

export function routeRequest(snapshot: RoutingSnapshot): RoutingDecision {
  const { dataset, requestedFields, scenario } = snapshot;
  const missingFields = scenario?.onKeyList ? requestedFields.filter((f) => !scenario.coveredFields.includes(f)) : [];
  const scenarioNote = !scenario
    ? 'no scenario is named'
    : !scenario.onKeyList
      ? 'the scenario is not on the key-work list (重点工作应用场景清单)'
      : missingFields.length
        ? `the key-work scenario does not list ${missingFields.join(', ')}`
        : 'the key-work scenario lists every requested field';

  if (dataset.sharingType === 'not_shareable') {
    return {
      track: 15,
      rule: 'not_shareable',
      reasons: ['the dataset is catalogued as not shareable (不予共享): three-party coordination decides'],
      missingFields,
      ownerMayRefuse: true,
    };
  }
  if (!dataset.aggregated) {
    const unconditional = dataset.sharingType === 'unconditional';
    return {
      track: 15,
      rule: 'not_aggregated',
      reasons: [
        'the center does not hold the data yet (未归集): three-party coordination',
        ...(unconditional ? ['the dataset is unconditionally shared: coordination only schedules delivery; the owner cannot refuse'] : []),
      ],
      missingFields,
      ownerMayRefuse: !unconditional,
    };
  }
  if (scenario?.onKeyList && missingFields.length === 0) {
    return {
      track: 1,
      rule: 'key_list_scenario',
      reasons: ['the data is aggregated', scenarioNote, 'no owner approval: the center provisions'],
      missingFields,
      ownerMayRefuse: false,
    };
  }
  if (dataset.sharingType === 'unconditional') {
    return {
      track: 1,
      rule: 'unconditional',
      reasons: ['the data is aggregated', 'the dataset is unconditionally shared (无条件共享)', 'no owner approval: the center provisions'],
      missingFields,
      ownerMayRefuse: false,
    };
  }
  return {
    track: 5,
    rule: 'conditional',
    reasons: [
      'the data is aggregated',
      'the dataset is conditionally shared (有条件共享): the owner decides against its catalogued conditions',
      scenarioNote,
    ],
    missingFields,
    ownerMayRefuse: true,
  };
}
