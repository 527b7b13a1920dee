export * from './headers.js';
export * from './verp.js';
