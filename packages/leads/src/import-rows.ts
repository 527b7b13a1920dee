// CSV import rows: one parsed record checked against the column mapping and turned into a line of
// the import's staging COPY (or the problems that reject it). The merge of staged rows into
// "Lead" (import-merge.ts) applies the rules of upsertLead set-based.
import { randomBytes } from 'node:crypto';
import { isEmailAddress, isValidTimeZone, unstorableTextReason } from '@kindling/shared';

export interface Problem {
  column: string;
  reason: string;
  value: string;
}

/** Escapes one value for COPY ... WITH (FORMAT csv): always quoted, so NULL stays distinct. */
function copyValue(v: string | null): string {
  return v === null ? '' : `"${v.replace(/"/g, '""')}"`;
}

/** A PostgreSQL text[] literal. */
function pgArray(items: string[]): string {
  return `{${items.map((t) => `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export type RowOut = { line: string } | { problems: Problem[] };

/** Validates one parsed record against the mapping; returns the COPY line or the problems. */
export function prepareRow(
  record: string[],
  columns: string[],
  mapping: string[],
  rowNumber: number,
  tag: string | null,
): RowOut {
  const problems: Problem[] = [];
  let email: string | null = null;
  let firstName: string | null = null;
  let lastName: string | null = null;
  let phone: string | null = null;
  let timeZone: string | null = null;
  const tags: string[] = [];
  // Null prototype: a column mapped to cf.__proto__ is a key like any other, not a prototype.
  let custom: Record<string, string> | null = null;
  if (record.length > columns.length && record.slice(columns.length).some((v) => v.trim() !== '')) {
    problems.push({
      column: '(row)',
      reason: `has ${record.length} columns but the header has ${columns.length}`,
      value: '',
    });
  }
  for (let i = 0; i < mapping.length; i++) {
    const target = mapping[i]!;
    if (target === 'skip') continue;
    const column = columns[i] ?? `column ${i + 1}`;
    const raw = record[i] ?? '';
    if (raw.includes('\uFFFD')) {
      problems.push({ column, reason: 'is not valid UTF-8 text', value: raw });
      continue;
    }
    const unstorable = unstorableTextReason(raw);
    if (unstorable) {
      // Escaped, so the report shows where the NUL was instead of carrying it.
      problems.push({ column, reason: unstorable, value: JSON.stringify(raw).slice(1, 101) });
      continue;
    }
    const value = raw.trim();
    const text = (max: number) => {
      if (value === '') return null;
      if (value.length > max) {
        problems.push({
          column,
          reason: `is longer than ${max} characters`,
          value: raw.slice(0, 100),
        });
        return null;
      }
      return value;
    };
    switch (target) {
      case 'email':
        if (value === '') problems.push({ column, reason: 'email is required', value: raw });
        else if (!isEmailAddress(value))
          problems.push({ column, reason: 'is not a valid email address', value: raw });
        else email = value.toLowerCase();
        break;
      case 'firstName':
        firstName = text(200);
        break;
      case 'lastName':
        lastName = text(200);
        break;
      case 'phone':
        phone = text(50);
        break;
      case 'timeZone':
        if (value !== '' && !isValidTimeZone(value))
          problems.push({
            column,
            reason: 'is not a known time zone (use an IANA name such as Europe/Berlin)',
            value: raw,
          });
        else timeZone = value || null;
        break;
      case 'tags':
        for (const t of value.split(/[;,]/)) {
          const tagText = t.trim();
          if (!tagText) continue;
          if (tagText.length > 100)
            problems.push({
              column,
              reason: 'has a tag longer than 100 characters',
              value: tagText.slice(0, 100),
            });
          else if (!tags.includes(tagText)) tags.push(tagText);
        }
        break;
      default: {
        const v = text(2000);
        if (v !== null)
          (custom ??= Object.create(null) as Record<string, string>)[target.slice(3)] = v;
      }
    }
  }
  if (problems.length) return { problems };
  if (tag && !tags.includes(tag)) tags.push(tag);
  const line = [
    String(rowNumber),
    copyValue(email),
    copyValue(firstName),
    copyValue(lastName),
    copyValue(phone),
    copyValue(timeZone),
    copyValue(tags.length ? pgArray(tags) : null),
    copyValue(custom ? JSON.stringify(custom) : null),
  ].join(',');
  return { line: line + '\n' };
}

// Time-ordered UUIDs (v7), like Prisma's uuid(7), keep primary-key inserts local. Made here while
// parsing (cheap, and in parallel with PostgreSQL's work) rather than in SQL, where the same
// expression cost about 3 s per million rows.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
let randomPool = Buffer.alloc(0);
let randomPos = 0;
/** A random UUID v7 for `now` (ms): 48-bit timestamp, version 7, variant 10, 74 random bits. */
export function fastUuidV7(now: number): string {
  if (randomPos + 10 > randomPool.length) {
    randomPool = randomBytes(16 * 1024);
    randomPos = 0;
  }
  const r = randomPool;
  const p = randomPos;
  randomPos += 10;
  const ts = now.toString(16).padStart(12, '0');
  return (
    `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${(r[p]! & 0x0f).toString(16)}${HEX[r[p + 1]!]}-` +
    `${HEX[(r[p + 2]! & 0x3f) | 0x80]}${HEX[r[p + 3]!]}-` +
    `${HEX[r[p + 4]!]}${HEX[r[p + 5]!]}${HEX[r[p + 6]!]}${HEX[r[p + 7]!]}${HEX[r[p + 8]!]}${HEX[r[p + 9]!]}`
  );
}
