// Human or machine, part 1: the signals a single request carries. Pure functions, evaluated on the
// hot path before the event is appended to the stream, so they must stay cheap (one regex, a few
// integer comparisons).
//
// Where each rule is evaluated:
// - here, at request time (the request is all they need):
//     head        a HEAD request (link checkers and scanners probe, people's mail clients GET);
//     honeypot    the hidden link in each email (token `h: 1`) that no person sees;
//     apple_mpp   Apple Mail Privacy Protection prefetches every image through Apple's proxies:
//                 Apple's network 17.0.0.0/8 (and its IPv6 blocks) or the bare `Mozilla/5.0` UA;
//     scanner_ua  user agents of security gateways, link previewers and HTTP libraries;
//     scanner_net networks of the big mail-security gateways (Microsoft EOP/Safe Links,
//                 Proofpoint, Mimecast, Barracuda).
//   Google's image proxy (`GoogleImageProxy` in the UA) fetches an image when a person opens the
//   mail in Gmail, so it counts as a human open even though the IP is Google's.
// - in the worker's events drain (apps/worker/src/events-signals.ts), because they need the
//   message's sentAt and the message's other events:
//     early_click a click within a few seconds of delivery;
//     burst       every link of a message (honeypot included) clicked in one short burst.

export type MachineReason =
  'head' | 'honeypot' | 'apple_mpp' | 'scanner_ua' | 'scanner_net' | 'early_click' | 'burst';

export interface RequestSignals {
  kind: 'open' | 'click';
  method: string;
  ip: string;
  userAgent: string;
  honeypot: boolean;
}

const GOOGLE_IMAGE_PROXY = /GoogleImageProxy/;

const SCANNER_UA = new RegExp(
  [
    'barracuda',
    'proofpoint',
    'mimecast',
    'urldefense',
    'safelinks',
    'symantec',
    'messagelabs',
    'trend ?micro',
    'fortiguard',
    'sophos',
    'forcepoint',
    'ironport',
    'zscaler',
    'bingpreview',
    'microsoft office existence discovery',
    'skypeuripreview',
    'slackbot',
    'facebookexternalhit',
    'twitterbot',
    'linkedinbot',
    'python-requests',
    'python-urllib',
    'aiohttp',
    'go-http-client',
    'okhttp',
    'java/',
    'libwww-perl',
    'curl/',
    'wget/',
    'headlesschrome',
    'phantomjs',
    'bot\\b',
    'crawler',
    'spider',
  ].join('|'),
  'i',
);

/** Apple Mail Privacy Protection's prefetches carry exactly this user agent. */
const APPLE_MPP_UA = 'Mozilla/5.0';

type Cidr4 = [base: number, mask: number];

function cidr4(text: string): Cidr4 {
  const [addr, bits] = text.split('/') as [string, string];
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return [(ipv4ToInt(addr)! & mask) >>> 0, mask];
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isInteger(v) || v < 0 || v > 255 || p === '') return null;
    n = n * 256 + v;
  }
  return n >>> 0;
}

const APPLE_V4 = [cidr4('17.0.0.0/8')];
const APPLE_V6 = ['2620:149:', '2a01:b740:', '2403:300:'];

// The egress networks of the largest mail-security gateways. Deliberately short: a wrong entry
// hides real people, so only blocks the vendors document as their scanning/filtering ranges.
const SCANNER_V4 = [
  '40.92.0.0/15', // Microsoft Exchange Online Protection
  '40.107.0.0/16', // Microsoft Exchange Online Protection
  '52.100.0.0/14', // Microsoft Exchange Online Protection
  '104.47.0.0/17', // Microsoft Exchange Online Protection
  '148.163.128.0/19', // Proofpoint
  '67.231.144.0/20', // Proofpoint
  '205.139.110.0/24', // Mimecast
  '207.211.30.0/24', // Mimecast
  '64.235.144.0/20', // Barracuda
  '209.222.80.0/21', // Barracuda
].map(cidr4);

function inV4(ip: string, ranges: Cidr4[]): boolean {
  const n = ipv4ToInt(ip);
  if (n === null) return false;
  for (const [base, mask] of ranges) if ((n & mask) >>> 0 === base) return true;
  return false;
}

/** True when `ip` belongs to Apple's networks (where Mail Privacy Protection fetches from). */
export function isAppleNetwork(ip: string): boolean {
  if (ip.includes(':')) {
    const lower = ip.toLowerCase();
    return APPLE_V6.some((p) => lower.startsWith(p));
  }
  return inV4(ip, APPLE_V4);
}

/** True when `ip` belongs to a known mail-security gateway's network. */
export function isScannerNetwork(ip: string): boolean {
  return inV4(ip, SCANNER_V4);
}

/**
 * The machine reason a single request proves, or null for a (presumed) human. Order matters:
 * the strongest, cheapest evidence first.
 */
export function classifyRequest(s: RequestSignals): MachineReason | null {
  if (s.method === 'HEAD') return 'head';
  if (s.honeypot) return 'honeypot';
  if (GOOGLE_IMAGE_PROXY.test(s.userAgent)) return null;
  if (s.kind === 'open' && (s.userAgent === APPLE_MPP_UA || isAppleNetwork(s.ip)))
    return 'apple_mpp';
  if (s.userAgent !== '' && SCANNER_UA.test(s.userAgent)) return 'scanner_ua';
  if (isScannerNetwork(s.ip)) return 'scanner_net';
  return null;
}
