export * from './enroll.js';
export * from './render.js';
export * from './schedule.js';
export * from './engine.js';
export * from './lifecycle.js';
export * from './validate.js';
export * from './sweep.js';
export * from './order.js';
