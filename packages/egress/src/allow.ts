// The operator's allowances (EGRESS_ALLOW): which non-public destinations tenants may reach,
// e.g. the local Postfix a self-hosted install relays through. Entries, comma or space separated:
//   mail.internal          a host name (whatever it resolves to), any port but the product's own
//   mail.internal:25       that name, port 25 only
//   127.0.0.1:25           an address and port       [::1]:25   an IPv6 address and port
//   10.0.0.0/8             a range, any port but the product's own
//   10.0.0.0/8:587         a range, one port         [fd00::/8]:25   an IPv6 range, one port
import { isIP } from 'node:net';
import { z } from 'zod';
import { ipBytes } from './ip.js';

export type AllowEntry =
  | { kind: 'range'; net: Uint8Array; bits: number; port?: number; text: string }
  | { kind: 'host'; host: string; port?: number; text: string };

function port(text: string | undefined, entry: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`bad port in "${entry}"`);
  return n;
}

function range(ip: string, bits: string | undefined, p: string | undefined, text: string) {
  const net = ipBytes(ip);
  if (!net) throw new Error(`"${text}" is not an IP address or range`);
  const max = net.length * 8;
  const b = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(b) || b < 0 || b > max) throw new Error(`bad prefix length in "${text}"`);
  return { kind: 'range' as const, net, bits: b, port: port(p, text), text };
}

/** Parses an allow list; throws with the offending entry when one is malformed. */
export function parseAllowList(text: string): AllowEntry[] {
  const out: AllowEntry[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const e = raw.trim();
    if (!e) continue;
    let m: RegExpExecArray | null;
    if ((m = /^\[([0-9a-f:.]+)(?:\/(\d+))?\](?::(\d+))?$/i.exec(e))) {
      out.push(range(m[1]!, m[2], m[3], e));
    } else if ((m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?::(\d+))?$/.exec(e))) {
      out.push(range(m[1]!, m[2], m[3], e));
    } else if ((m = /^([0-9a-f:.]+)(?:\/(\d+))?$/i.exec(e)) && isIP(m[1]!) === 6) {
      out.push(range(m[1]!, m[2], undefined, e));
    } else if ((m = /^([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)\.?(?::(\d+))?$/i.exec(e))) {
      out.push({ kind: 'host', host: m[1]!.toLowerCase(), port: port(m[2], e), text: e });
    } else {
      throw new Error(`"${e}" is not a host[:port], an address[:port] or a range[:port]`);
    }
  }
  return out;
}

/** The env variable's schema: the parsed list, or one clear message for a bad entry. */
export const egressAllowSchema = z
  .string()
  .default('')
  .transform((v, ctx) => {
    try {
      return parseAllowList(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
