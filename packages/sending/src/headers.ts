/** Header-safe text (CR/LF and other control characters become spaces): one rule for all mail. */
export { headerSafe as sanitizeHeaderValue } from '@kindling/shared';

/** True when a header value holds a line break or another control character. */
export function hasControlChars(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(value);
}
