export * from './upsert.js';
export * from './submissions.js';
export * from './confirmation.js';
export * from './unsubscribe.js';
export * from './import-rows.js';
export * from './import-merge.js';
export * from './csv-line.js';
