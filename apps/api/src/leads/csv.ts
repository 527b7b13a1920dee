// CSV helpers shared by export and import: RFC 4180 quoting, the OWASP formula-injection guard,
// and SQL literal quoting for COPY (which takes no bind parameters).

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r', '\n']);

/** Prefixes a `'` to a value a spreadsheet would run as a formula. */
export function guardFormula(value: string): string {
  return value.length > 0 && FORMULA_START.has(value[0]!) ? `'${value}` : value;
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line from raw values, guarded against formulas; LF-terminated like PostgreSQL's COPY output. */
export function csvLine(values: readonly string[]): string {
  return values.map((v) => csvField(guardFormula(v))).join(',') + '\n';
}

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
