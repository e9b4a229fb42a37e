export * from './wiring.js';
export * from './clock-watcher.js';
