// Mailbox providers, grouped by recipient domain: each has its own throttles and reputation.
// A domain of the fixed list below is known at once; any other domain's provider comes from its
// MX hosts (`providerOfMx`), looked up off the send path and cached (mx-providers.ts).
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

/** The mailbox provider of an address from the fixed list of consumer domains (other when unknown). */
export function providerOf(email: string): Provider {
  return knownProviderOf(domainOf(email)) ?? 'other';
}

/** The provider of a consumer domain of the fixed list, or null. */
export function knownProviderOf(domain: string): Provider | null {
  return DOMAINS[domain] ?? null;
}

// MX host suffixes of the providers' hosted mail (Google Workspace, Microsoft 365, Yahoo/AOL,
// iCloud custom domains). A gateway in front of them (a filtering service) is the one that
// receives, so such a domain stays `other`.
const MX_SUFFIXES: [string, Provider][] = [
  ['google.com', 'gmail'],
  ['googlemail.com', 'gmail'],
  ['outlook.com', 'microsoft'], // *.mail.protection.outlook.com, *.olc.protection.outlook.com
  ['hotmail.com', 'microsoft'],
  ['yahoodns.net', 'yahoo'],
  ['icloud.com', 'apple'],
];

/** The provider that receives for a domain with these MX hosts (most preferred first), or other. */
export function providerOfMx(hosts: string[]): Provider {
  const first = hosts[0]?.toLowerCase().replace(/\.$/, '');
  if (!first) return 'other';
  for (const [suffix, provider] of MX_SUFFIXES)
    if (first === suffix || first.endsWith(`.${suffix}`)) return provider;
  return 'other';
}

/** The domain part of an address, lower-cased. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
