// CSV lines for the files Kindling writes (the leads export, the import's rejected-rows report):
// RFC 4180 quoting and the OWASP formula-injection guard.

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
