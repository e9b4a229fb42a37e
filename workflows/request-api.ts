/**
 * What the API and a request's workflow say to each other, as definitions both import: the view
 * query and one update per declared action (src/requests/rules/actions.ts).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { ACTION_NAMES, type ActionInput, type ActionName } from '../src/requests/rules/actions.js';
import type { RequestView } from '../src/requests/rules/view.js';

export const REQUEST_WORKFLOW = 'requestWorkflow';

export const requestView = defineQuery<RequestView | null>('view');

type RequestUpdate<K extends ActionName> = ReturnType<typeof defineUpdate<RequestView, [ActionInput<K>]>>;

/** One update per declared action, named after it. */
export const requestUpdates = Object.fromEntries(ACTION_NAMES.map((name) => [name, defineUpdate<RequestView, [ActionInput]>(name)])) as {
  [K in ActionName]: RequestUpdate<K>;
};
