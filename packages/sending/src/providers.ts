// Mailbox providers, grouped by recipient domain: each has its own throttles and reputation.
export const PROVIDERS = ['gmail', 'microsoft', 'yahoo', 'apple', 'other'] as const;
export type Provider = (typeof PROVIDERS)[number];

const DOMAINS: Record<string, Provider> = {};
const add = (p: Provider, list: string[]) => list.forEach((d) => (DOMAINS[d] = p));
add('gmail', ['gmail.com', 'googlemail.com']);
add('microsoft', [
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'hotmail.co.uk',
  'outlook.fr',
  'hotmail.fr',
  'live.co.uk',
  'passport.com',
]);
add('yahoo', [
  'yahoo.com',
  'ymail.com',
  'rocketmail.com',
  'aol.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'aim.com',
  'verizon.net',
]);
add('apple', ['icloud.com', 'me.com', 'mac.com']);

/** The mailbox provider of an address, from its domain (other when unknown). */
export function providerOf(email: string): Provider {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return DOMAINS[domain] ?? 'other';
}

/** The domain part of an address, lower-cased. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
