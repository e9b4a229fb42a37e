/**
 * What the API and a grant's workflow say to each other, as definitions both import: the view
 * query and one update per person's action (suspend, resume, revoke).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { GRANT_PERSON_ACTIONS, type GrantActionInput, type GrantPersonAction } from '../src/grants/rules/actions.js';
import type { GrantView } from '../src/grants/rules/view.js';

export const GRANT_WORKFLOW = 'grantWorkflow';
export const grantWorkflowId = (grantId: string) => `grant-${grantId}`;

export const grantView = defineQuery<GrantView | null>('view');

export const grantUpdates = Object.fromEntries(
  GRANT_PERSON_ACTIONS.map((name) => [name, defineUpdate<GrantView, [GrantActionInput]>(name)]),
) as Record<GrantPersonAction, ReturnType<typeof defineUpdate<GrantView, [GrantActionInput]>>>;
