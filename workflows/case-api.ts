/**
 * What the API says to any case workflow, as definitions both sides import (no workflow code):
 * the clock service announces a changed clock with its version.
 */
import { defineSignal } from '@temporalio/workflow';

export const clockChanged = defineSignal<[{ clockId: string; version: number }]>('slaClockChanged');
