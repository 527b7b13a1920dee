import './zod-config.js';
export * from './errors.js';
export * from './env.js';
export * from './auth.js';
export * from './workspace.js';
export * from './sending.js';
export * from './forms.js';
export * from './campaigns.js';
export * from './leads.js';
