export * from './enroll.js';
