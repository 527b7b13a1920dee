export * from './names.js';
export * from './redis.js';
export * from './payloads.js';
export * from './events.js';
export * from './enqueue.js';
export * from './tick-batch.js';
