export * from './upsert.js';
export * from './submissions.js';
export * from './confirmation.js';
export * from './unsubscribe.js';
