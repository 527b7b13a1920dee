// CSV helpers of the export: RFC 4180 quoting and the OWASP formula-injection guard (from
// @kindling/leads, which the import's report uses too), and SQL literal quoting for COPY (which
// takes no bind parameters).

export { csvField, csvLine, guardFormula } from '@kindling/leads';

/**
 * A SQL string literal, as node-postgres' escapeLiteral builds it. COPY (SELECT ...) cannot take
 * bind parameters, so export filters are inlined through this.
 */
export function sqlLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in SQL literal');
  let hasBackslash = false;
  let out = "'";
  for (const ch of value) {
    if (ch === "'") out += "''";
    else if (ch === '\\') {
      out += '\\\\';
      hasBackslash = true;
    } else out += ch;
  }
  out += "'";
  return hasBackslash ? ` E${out}` : out;
}

/** The same formula guard in SQL, applied to a text expression inside COPY (SELECT ...). */
export function sqlGuard(expr: string): string {
  return `CASE WHEN left(${expr}, 1) IN ('=', '+', '-', '@', chr(9), chr(13), chr(10)) THEN '''' || ${expr} ELSE ${expr} END`;
}
