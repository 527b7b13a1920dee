export * from './names.js';
export * from './redis.js';
