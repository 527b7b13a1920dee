// What the api, worker and tracking processes share: lifecycle, start-up connections, the HTTP
// server with its timeouts and the client IP rule.
export * from './lifecycle.js';
export * from './connect-services.js';
export * from './http-server.js';
export * from './client-ip.js';
