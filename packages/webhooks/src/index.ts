export * from './sign.js';
export * from './outbox.js';
export * from './post.js';
