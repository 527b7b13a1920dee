export * from './enroll.js';
export * from './render.js';
