// The one email-address rule: sign-up and sign-in, invites, sending identities, form submissions
// (api and widget) and the CSV import all accept exactly the same addresses.
//
// The strictness: an address a mail system can route without quoting, in the form people type.
// - at most 254 characters (RFC 5321's path limit less the brackets), exactly one `@`;
// - local part: at most 64 characters, dot-separated runs (no leading, trailing or doubled dot)
//   of anything but whitespace, control characters and the specials `" ( ) , : ; < > @ [ \ ]`;
//   non-ASCII letters are allowed (RFC 6531 internationalised addresses); quoted local parts are not;
// - domain: two or more labels of letters, digits, combining marks and inner hyphens (each 1-63
//   characters, internationalised names allowed); the last starts with a letter and has at least
//   two characters; no IP literals.
// Callers trim first. The expressions are linear (no ambiguous repetition) and only run on
// values already cut to 254 characters.
export const EMAIL_MAX_LENGTH = 254;

const LOCAL_RE = /^[^\s\p{Cc}".(),:;<>@[\\\]]+(?:\.[^\s\p{Cc}".(),:;<>@[\\\]]+)*$/u;
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?';
const TLD = '\\p{L}[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}]';
const DOMAIN_RE = new RegExp(`^(?:${LABEL}\\.)+${TLD}$`, 'u');

/** True when `value` is an email address by the rule above. */
export function isEmailAddress(value: string): boolean {
  if (value.length > EMAIL_MAX_LENGTH) return false;
  const at = value.indexOf('@');
  if (at < 1 || at > 64 || at !== value.lastIndexOf('@')) return false;
  return LOCAL_RE.test(value.slice(0, at)) && DOMAIN_RE.test(value.slice(at + 1));
}
