// The importers' CSV reader: RFC 4180 quoting, line ends, headers with or without, and problems
// reported as file:line:col.

import { fc, test as fcTest } from '@fast-check/vitest';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, test } from 'vitest';
import { parseCsvRows, RowReader, readCsv } from '../../../src/scenario/import/csv.js';

describe('CSV reader', () => {
  test('quoted fields hold commas, quotes and newlines; rows remember line and column', () => {
    const rows = parseCsvRows('a,"b,c","say ""hi"""\r\n1,"two\nlines",3\n\n4,5,6', 'f.csv');
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['1', 'two\nlines', '3'],
      ['4', '5', '6'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(rows[0]!.cols).toEqual([1, 3, 9]);
  });

  fcTest.prop([
    fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
  ])('reads back what csv-stringify writes', (rows) => {
    const width = rows[0]!.length;
    const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
    const text = stringify(table, { quoted: true });
    expect(parseCsvRows(text, 'p.csv').map((r) => r.fields)).toEqual(table);
  });

  test('a header may list the columns in any order, with spaces, and extra columns', () => {
    const { table, index } = readCsv('b , a,extra\n2,1,x\n', 'h.csv', {
      columns: ['a', 'b'],
      header: 'required',
      what: 'h',
    });
    const r = new RowReader('h.csv', index);
    expect(r.number(table.rows[0]!, 'a')).toBe(1);
    expect(r.number(table.rows[0]!, 'b')).toBe(2);
  });

  test("'detect' tells a header from data by its column names", () => {
    const spec = { columns: ['id', 'n'], header: 'detect', what: 'd' } as const;
    expect(readCsv('id,n\nm_1,2\n', 'd.csv', spec).table.rows).toHaveLength(1);
    expect(readCsv('m_1,2\nm_2,3\n', 'd.csv', spec).table.rows).toHaveLength(2);
  });

  test('problems are one line with file:line:col and a hint', () => {
    const spec = { columns: ['name', 'cpu'], header: 'required', what: 'the node list' } as const;
    expect(() => readCsv('name,mem\nx,1\n', 'n.csv', spec)).toThrow(
      'n.csv:1:1: missing column cpu (the node list needs columns name,cpu; found name,mem)',
    );
    expect(() => readCsv('name,cpu\nx,1,2\n', 'n.csv', spec)).toThrow(
      'n.csv:2:1: expected 2 fields, found 3',
    );
    const { table, index } = readCsv('name,cpu\nx,4\ny,four\nz,\n', 'n.csv', spec);
    const r = new RowReader('n.csv', index);
    expect(() => r.number(table.rows[1]!, 'cpu')).toThrow(
      'n.csv:3:3: cpu: expected a number, got "four" (every row needs a number in column cpu)',
    );
    expect(() => r.number(table.rows[2]!, 'cpu', { integer: true })).toThrow(
      'n.csv:4:3: cpu: expected an integer, got an empty field',
    );
    expect(r.optionalNumber(table.rows[2]!, 'cpu')).toBeUndefined();
    expect(() => parseCsvRows('a,"b\n', 'q.csv')).toThrow('q.csv:1:3: unterminated quoted field');
  });
});
