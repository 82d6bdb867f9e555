import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import {
  type Diagnostic,
  formatDiagnostic,
  ScenarioError,
  sortDiagnostics,
} from '../../src/scenario/diagnostics.js';
import { errorMessage, errorPosition, locate } from '../../src/scenario/locate.js';

describe('formatDiagnostic and ScenarioError', () => {
  const e: Diagnostic = {
    severity: 'error',
    file: 'a.yaml',
    line: 3,
    col: 5,
    message: 'bad thing',
    hint: 'fix it',
  };
  const w: Diagnostic = { severity: 'warning', file: 'a.yaml', line: 1, col: 2, message: 'odd thing' };

  it('formats file:line:col: message (hint), warnings marked after the location', () => {
    expect(formatDiagnostic(e)).toBe('a.yaml:3:5: bad thing (fix it)');
    expect(formatDiagnostic(w)).toBe('a.yaml:1:2: warning: odd thing');
  });

  it('ScenarioError joins every formatted error', () => {
    const err = new ScenarioError([e, { ...e, line: 4, hint: undefined }], [w]);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('a.yaml:3:5: bad thing (fix it)\na.yaml:4:5: bad thing');
    expect(err.warnings).toEqual([w]);
  });

  it('sorts by file order, line and column, stably', () => {
    const d = (file: string, line: number, col: number, message = '') =>
      ({ severity: 'error', file, line, col, message }) as Diagnostic;
    const sorted = sortDiagnostics([d('b', 1, 1), d('a', 2, 1, 'x'), d('a', 1, 9), d('a', 2, 1, 'y')], ['a']);
    expect(sorted.map((x) => `${x.file}${x.line}${x.col}${x.message}`)).toEqual([
      'a19',
      'a21x',
      'a21y',
      'b11',
    ]);
  });
});

describe('locate', () => {
  const text = [
    'spec:', // 1
    '  duration: 1h', // 2
    '  empty:', // 3
    '  timeline:', // 4
    '    - {at: 10m, action: scale}', // 5
    '    - at: 20m', // 6
    '      action: failNode', // 7
    '  shared: &s {a: 1}', // 8
    '  alias: *s', // 9
  ].join('\n');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const at = (path: (string | number)[], key = false) => locate(doc, lc, path, { key });

  it('finds values', () => {
    expect(at(['spec', 'duration'])).toEqual({ line: 2, col: 13 });
    expect(at(['spec', 'timeline', 0, 'action'])).toEqual({ line: 5, col: 25 });
    expect(at(['spec', 'timeline', 1])).toEqual({ line: 6, col: 7 });
    expect(at(['spec', 'timeline', 1, 'action'])).toEqual({ line: 7, col: 15 });
  });

  it('points at the key for key lookups and for empty values', () => {
    expect(at(['spec', 'duration'], true)).toEqual({ line: 2, col: 3 });
    expect(at(['spec', 'empty'])).toEqual({ line: 3, col: 3 });
  });

  it('walks up to the nearest existing ancestor', () => {
    expect(at(['spec', 'timeline', 0, 'replicas'])).toEqual({ line: 5, col: 7 });
    expect(at(['spec', 'timeline', 7, 'x'])).toEqual({ line: 5, col: 5 });
    expect(at(['nope'])).toEqual({ line: 1, col: 1 });
  });

  it('follows aliases to their anchor', () => {
    expect(at(['spec', 'alias', 'a'])).toEqual({ line: 8, col: 18 });
  });

  it('reports YAML errors at their position with a one-line message', () => {
    const lc2 = new LineCounter();
    const bad = parseDocument('a: 1\na: 2\n', { lineCounter: lc2, prettyErrors: true });
    const err = bad.errors[0]!;
    expect(errorPosition(err, lc2)).toEqual({ line: 2, col: 1 });
    expect(errorMessage(err)).toBe('Map keys must be unique');
  });
});
