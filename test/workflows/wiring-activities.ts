/** Activities of the test-only wiring workflow: built by a factory, handed instants by the workflow. */
export function createWiringActivities(deps: { prefix: string }) {
  return {
    async stampOutcome(outcome: string, atMs: number): Promise<string> {
      return `${deps.prefix}:${outcome}@${new Date(atMs).toISOString()}`;
    },
  };
}

export type WiringActivities = ReturnType<typeof createWiringActivities>;
