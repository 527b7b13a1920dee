// The uploaded file as the mapping screen sees it: is it CSV text at all, which delimiter, which
// lead field each header names.

/** Largest accepted upload; a million typical rows is well under 200 MB. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

/** Recognises files that are clearly not CSV text from their first bytes; returns why, or null. */
export function notCsvReason(head: Buffer): string | null {
  const starts = (sig: number[]) => sig.every((b, i) => head[i] === b);
  if (starts([0x50, 0x4b, 0x03, 0x04]))
    return 'This looks like an Excel workbook (.xlsx) or a zip file, not CSV. In Excel use File > Save As > "CSV UTF-8".';
  if (starts([0xd0, 0xcf, 0x11, 0xe0]))
    return 'This looks like an old Excel workbook (.xls), not CSV. In Excel use File > Save As > "CSV UTF-8".';
  if (starts([0x25, 0x50, 0x44, 0x46])) return 'This is a PDF file, not CSV.';
  if (starts([0x1f, 0x8b])) return 'This is a gzip-compressed file; upload the CSV inside it.';
  if (head.length === 0) return 'The file is empty.';
  if (head.includes(0)) return 'This file is binary (it contains NUL bytes), not CSV text.';
  // Streaming mode: a multi-byte character cut at the end of the sample is not an error.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'This file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.';
  }
  return null;
}

/** Guesses the delimiter from the header line: comma unless semicolons or tabs clearly win. */
export function sniffDelimiter(head: string): string {
  const line = head.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => line.split(c).length - 1;
  const counts = [',', ';', '\t'].map((c) => [c, count(c)] as const).sort((a, b) => b[1] - a[1]);
  return counts[0] && counts[0][1] > 0 ? counts[0][0] : ',';
}

const FIELD_ALIASES: Record<string, string> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  firstname: 'firstName',
  givenname: 'firstName',
  first: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  last: 'lastName',
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  telephone: 'phone',
  tags: 'tags',
  tag: 'tags',
  timezone: 'timeZone',
  tz: 'timeZone',
};

/** Maps header names onto lead fields; anything unknown becomes a custom field. */
export function suggestMapping(columns: string[]): string[] {
  const used = new Set<string>();
  return columns.map((c) => {
    const key = c.toLowerCase().replace(/[^a-z0-9]/g, '');
    const field = FIELD_ALIASES[key];
    if (field && !used.has(field)) {
      used.add(field);
      return field;
    }
    const custom = c
      .trim()
      .replace(/[^A-Za-z0-9_ -]/g, '')
      .slice(0, 64)
      .trim();
    return custom ? `cf.${custom}` : 'skip';
  });
}
