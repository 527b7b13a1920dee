export * from './names.js';
export * from './redis.js';
export * from './payloads.js';
