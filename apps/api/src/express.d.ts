import type { Auth } from './http/route.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by the authenticator; null for anonymous callers of public routes. */
      auth?: Auth | null;
    }
  }
}
export {};
