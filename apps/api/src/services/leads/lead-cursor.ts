// The keyset cursor of the leads list: the last row's sort value and id, base64url JSON.
import { unstorableTextReason } from '@kindling/shared';
import { AppError } from '../../http/errors.js';

export function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

/** The cursor's sort value and lead id; a cursor that does not fit the sort is a 400. */
export function decodeCursor(cursor: string, type: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v[1]) &&
      (type === 'timestamptz' ? isTimestamp(v[0]) : unstorableTextReason(v[0]) === null)
    )
      return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new AppError('bad_request', 'Invalid cursor; start again from the first page');
}

/** A sort key as encodeCursor writes timestamps (to_char in the list query), and a real one. */
function isTimestamp(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(v)) return false;
  const d = new Date(v);
  // Date accepts Feb 31 (rolling over) and year 0; PostgreSQL refuses both.
  return d.getUTCFullYear() >= 1 && d.toISOString().slice(0, 19) === v.slice(0, 19);
}
