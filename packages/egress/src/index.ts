export * from './ip.js';
export * from './allow.js';
export * from './guard.js';
