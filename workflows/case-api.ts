/**
 * What the API says to any case workflow, as definitions both sides import (no workflow code):
 * the clock service announces a changed clock with its version; the reconciler asks it to read
 * its case again when the database says something else than the workflow's view.
 */
import { defineSignal } from '@temporalio/workflow';

export const clockChanged = defineSignal<[{ clockId: string; version: number }]>('slaClockChanged');

export const caseRefresh = defineSignal('caseRefresh');
