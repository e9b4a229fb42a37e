/**
 * Scenario rules (pure). What routing reads of a scenario — the fields it covers, its kind and
 * its validity — is, once the scenario is on the key-work list, the center's to change: a lead
 * department widening the coverage would send requests for other departments' data past their
 * owners (track 1). Name and description stay the lead department's.
 */
export interface Coverage {
  datasetCode: string;
  fields: string[];
}

export interface ScenarioRouting {
  kind: string;
  validFrom: string;
  validTo?: string | null;
  coverage: Coverage[];
}

/** Coverage compared regardless of the order of datasets and fields. */
export function canonicalCoverage(coverage: readonly Coverage[]): string {
  return JSON.stringify(
    coverage
      .map((c) => ({ datasetCode: c.datasetCode, fields: [...c.fields].sort() }))
      .sort((a, b) => a.datasetCode.localeCompare(b.datasetCode)),
  );
}

/** Whether an edit changes what routing reads of the scenario. */
export function routingChanged(before: ScenarioRouting, after: ScenarioRouting): boolean {
  return (
    canonicalCoverage(after.coverage) !== canonicalCoverage(before.coverage) ||
    after.kind !== before.kind ||
    after.validFrom !== before.validFrom ||
    (after.validTo ?? null) !== (before.validTo ?? null)
  );
}
