export * from './upsert.js';
