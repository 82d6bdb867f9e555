export * from './collector.js';
export * from './event-log.js';
export * from './writers.js';
