import { describe, expect, it } from 'vitest';
import { csvField, csvLine, guardFormula, sqlGuard, sqlLiteral } from './csv.js';
import { fastUuidV7, prepareRow } from '@kindling/leads';
import { notCsvReason, suggestMapping } from '../imports/csv-file.js';

describe('CSV helpers', () => {
  it('guards every OWASP formula prefix and nothing else', () => {
    for (const v of ['=1+1', '+44 20', '-3', '@SUM(A1)', '\tx', '\rx', '\nx'])
      expect(guardFormula(v)).toBe(`'${v}`);
    for (const v of ['', 'plain', ' =x', "'already", '1-2', 'a@b.c'])
      expect(guardFormula(v)).toBe(v);
  });

  it('quotes per RFC 4180 only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['=cmd', 'x,y', '🙂'])).toBe(`'=cmd,"x,y",🙂\n`);
  });

  it('builds SQL literals that cannot break out of the string', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral('back\\slash')).toBe(" E'back\\\\slash'");
    expect(() => sqlLiteral('nul\0')).toThrow();
    expect(sqlGuard('x')).toContain("'''' || x");
  });
});

describe('import parsing', () => {
  it('refuses files that are not CSV text', () => {
    expect(notCsvReason(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toMatch(/Excel/);
    expect(notCsvReason(Buffer.from('%PDF-1.7'))).toMatch(/PDF/);
    expect(notCsvReason(Buffer.from('a,b\u0000c'))).toMatch(/binary/);
    expect(notCsvReason(Buffer.from('email\nx@\xe9.com\nmore text here', 'latin1'))).toMatch(
      /UTF-8/,
    );
    expect(notCsvReason(Buffer.alloc(0))).toMatch(/empty/);
    expect(notCsvReason(Buffer.from('email,name\nzoë@example.com,Zoë 🙂\n'))).toBeNull();
  });

  it('suggests a mapping from header names', () => {
    expect(
      suggestMapping(['E-mail', 'First Name', 'Surname', 'Mobile', 'Company', 'email']),
    ).toEqual(['email', 'firstName', 'lastName', 'phone', 'cf.Company', 'cf.email']);
  });

  it('validates a row and reports every problem with its column', () => {
    const columns = ['Email', 'Name', 'TZ', 'Tags', 'Plan'];
    const mapping = ['email', 'firstName', 'timeZone', 'tags', 'cf.plan'];
    const ok = prepareRow(
      [' Ann@Example.COM ', 'Ann', 'Europe/Berlin', 'a; b,a', 'pro'],
      columns,
      mapping,
      2,
      'imported',
    );
    expect(ok).toEqual({
      line: `2,"ann@example.com","Ann",,,"Europe/Berlin","{""a"",""b"",""imported""}","{""plan"":""pro""}"\n`,
    });
    const bad = prepareRow(
      ['nope', 'x'.repeat(201), 'Mars/Olympus', '', ''],
      columns,
      mapping,
      7,
      null,
    );
    expect(bad).toEqual({
      problems: [
        { column: 'Email', reason: 'is not a valid email address', value: 'nope' },
        { column: 'Name', reason: 'is longer than 200 characters', value: 'x'.repeat(100) },
        {
          column: 'TZ',
          reason: 'is not a known time zone (use an IANA name such as Europe/Berlin)',
          value: 'Mars/Olympus',
        },
      ],
    });
  });
});

describe('fastUuidV7', () => {
  it('makes RFC 9562 version-7 ids carrying the millisecond timestamp, all distinct', () => {
    const now = Date.UTC(2026, 10, 28, 5, 0, 0, 123);
    const ids = Array.from({ length: 5000 }, () => fastUuidV7(now));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
    }
  });
});
