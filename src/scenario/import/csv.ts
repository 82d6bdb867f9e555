// A small RFC 4180 CSV reader (no CSV parser is among the project's dependencies): comma
// separated, double-quoted fields may hold commas, quotes ("") and newlines; CRLF and LF line
// ends; surrounding spaces of header names are trimmed (the v2017 header has them). Every row
// remembers its line so a bad value is reported as file:line:col.

import { inputError } from './problems.js';

export interface CsvRow {
  /** 1-based line of the row's first character. */
  line: number;
  fields: string[];
  /** 1-based column of each field's first character. */
  cols: number[];
}

export interface CsvTable {
  file: string;
  /** Column names, from the header or given by the caller for headerless files. */
  columns: readonly string[];
  rows: CsvRow[];
}

/** Splits CSV text into rows. Blank lines are skipped. */
export function parseCsvRows(text: string, file: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i === 1 ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const row: CsvRow = { line, fields: [], cols: [] };
    for (;;) {
      row.cols.push(i - lineStart + 1);
      if (text[i] === '"') {
        const startLine = line;
        const startCol = i - lineStart + 1;
        let value = '';
        i++;
        for (;;) {
          if (i >= n)
            throw inputError(
              file,
              startLine,
              startCol,
              'unterminated quoted field',
              'close the field with "',
            );
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') {
            line++;
            lineStart = i + 1;
          }
          value += c;
          i++;
        }
        row.fields.push(value);
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw inputError(
            file,
            line,
            i - lineStart + 1,
            'unexpected text after a quoted field',
            'quote the whole field',
          );
        }
      } else {
        let end = i;
        while (end < n && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
        row.fields.push(text.slice(i, end));
        i = end;
      }
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    lineStart = i;
    if (!(row.fields.length === 1 && row.fields[0] === '')) rows.push(row);
  }
  return rows;
}

export interface CsvSpec {
  /** Required columns, in the order of a headerless file. */
  columns: readonly string[];
  /**
   * 'required': the first row names the columns (any order, extra columns allowed);
   * 'none': no header, fields are in `columns` order;
   * 'detect': a header if the first row holds one of the column names (the v2017 batch_task.csv
   *   copy has a header that the official file does not).
   */
  header: 'required' | 'none' | 'detect';
  /** Shown in hints, e.g. "the openb node list". */
  what: string;
}

/** Parses a CSV file into rows of the given columns, checking the header and field counts. */
export function readCsv(
  text: string,
  file: string,
  spec: CsvSpec,
): { table: CsvTable; index: Map<string, number> } {
  const rows = parseCsvRows(text, file);
  const first = rows[0];
  let hasHeader = spec.header === 'required';
  if (spec.header === 'detect' && first !== undefined) {
    const names = new Set(first.fields.map((f) => f.trim()));
    hasHeader = spec.columns.some((c) => names.has(c));
  }
  const index = new Map<string, number>();
  if (hasHeader) {
    if (first === undefined)
      throw inputError(file, 1, 1, `empty file: expected ${spec.what} with a header line`);
    for (const [i, name] of first.fields.entries()) index.set(name.trim(), i);
    const missing = spec.columns.filter((c) => !index.has(c));
    if (missing.length > 0) {
      throw inputError(
        file,
        first.line,
        1,
        `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        `${spec.what} needs columns ${spec.columns.join(',')}; found ${first.fields.map((f) => f.trim()).join(',')}`,
      );
    }
  } else {
    for (const [i, c] of spec.columns.entries()) index.set(c, i);
  }
  const body = hasHeader ? rows.slice(1) : rows;
  const width = hasHeader ? first!.fields.length : spec.columns.length;
  for (const row of body) {
    if (row.fields.length !== width) {
      throw inputError(
        file,
        row.line,
        1,
        `expected ${width} fields, found ${row.fields.length}`,
        `${spec.what} has columns ${hasHeader ? first!.fields.map((f) => f.trim()).join(',') : spec.columns.join(',')}`,
      );
    }
  }
  return { table: { file, columns: spec.columns, rows: body }, index };
}

/** Typed access to the fields of one row, with file:line:col errors for bad values. */
export class RowReader {
  constructor(
    private readonly file: string,
    private readonly index: Map<string, number>,
  ) {}

  private at(row: CsvRow, column: string): { value: string; col: number } {
    const i = this.index.get(column);
    if (i === undefined) throw new Error(`column ${column} was not declared`);
    return { value: (row.fields[i] ?? '').trim(), col: row.cols[i] ?? 1 };
  }

  string(row: CsvRow, column: string): string {
    return this.at(row, column).value;
  }

  /** A finite number; empty is an error unless `empty` gives its value. */
  number(
    row: CsvRow,
    column: string,
    options: { integer?: boolean; min?: number; empty?: number } = {},
  ): number {
    const { value, col } = this.at(row, column);
    if (value === '' && options.empty !== undefined) return options.empty;
    const n = value === '' ? Number.NaN : Number(value);
    const kind = options.integer ? 'an integer' : 'a number';
    if (!Number.isFinite(n) || (options.integer && !Number.isInteger(n))) {
      throw inputError(
        this.file,
        row.line,
        col,
        `${column}: expected ${kind}, got ${value === '' ? 'an empty field' : JSON.stringify(value)}`,
        `every row needs ${kind} in column ${column}`,
      );
    }
    if (options.min !== undefined && n < options.min) {
      throw inputError(this.file, row.line, col, `${column}: must be >= ${options.min}, got ${value}`);
    }
    return n;
  }

  /** A number, or undefined for an empty field. */
  optionalNumber(
    row: CsvRow,
    column: string,
    options: { integer?: boolean; min?: number } = {},
  ): number | undefined {
    if (this.at(row, column).value === '') return undefined;
    return this.number(row, column, options);
  }

  /** An error at this field, for checks the reader cannot make itself. */
  error(row: CsvRow, column: string, message: string, hint?: string): Error {
    return inputError(this.file, row.line, this.at(row, column).col, message, hint);
  }
}
