/**
 * What the API and an objection's workflow say to each other, as definitions both import: the
 * view query and one update per person's action (declared in src/objections/rules/actions.ts).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { OBJECTION_ACTION_NAMES, type ObjectionActionInput, type ObjectionActionName } from '../src/objections/rules/actions.js';
import type { ObjectionView } from '../src/objections/rules/view.js';

export const OBJECTION_WORKFLOW = 'objectionWorkflow';
export const objectionWorkflowId = (objectionId: string) => `objection-${objectionId}`;

export const objectionView = defineQuery<ObjectionView | null>('view');

export const objectionUpdates = Object.fromEntries(
  OBJECTION_ACTION_NAMES.map((name) => [name, defineUpdate<ObjectionView, [ObjectionActionInput]>(name)]),
) as Record<ObjectionActionName, ReturnType<typeof defineUpdate<ObjectionView, [ObjectionActionInput]>>>;
