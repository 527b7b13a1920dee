// VERP (variable envelope return path): each message's envelope sender names the message,
// so a bounce that comes back tells us exactly which message and recipient failed.
const LOCAL = 'bounces';
const TOKEN = /^[A-Za-z0-9_-]{6,128}$/;

/** `bounces+<token>@<domain>` for one message. */
export function verpAddress(token: string, domain: string): string {
  if (!TOKEN.test(token)) throw new Error('VERP token must be 6-128 characters of [A-Za-z0-9_-]');
  return `${LOCAL}+${token}@${domain.toLowerCase()}`;
}

/** The token of a VERP address, or null when the address is not one of ours. */
export function parseVerp(address: string, domain?: string): string | null {
  const m = /^<?bounces\+([A-Za-z0-9_-]{6,128})@([^>\s]+)>?$/i.exec(address.trim());
  if (!m?.[1] || !m[2]) return null;
  if (domain && m[2].toLowerCase() !== domain.toLowerCase()) return null;
  return m[1];
}
