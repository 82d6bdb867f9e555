// Bad importer input ends the import with one line per problem, `file:line:col: message (hint)`,
// as scenario problems do; the CLI turns the ScenarioError into exit code 2. Notes are what an
// importer did with input it could not carry over as written (skipped kinds, legacy apiVersions,
// dropped rows); they are printed as warnings and never stop the import.

import { readFileSync } from 'node:fs';
import { type Diagnostic, ScenarioError } from '../diagnostics.js';

/** One problem in an input file; col 1 when the problem is the whole line. */
export function inputError(
  file: string,
  line: number,
  col: number,
  message: string,
  hint?: string,
): ScenarioError {
  const d: Diagnostic = { severity: 'error', file, line, col, message };
  if (hint !== undefined) d.hint = hint;
  return new ScenarioError([d]);
}

export function note(file: string, line: number, col: number, message: string, hint?: string): Diagnostic {
  const d: Diagnostic = { severity: 'warning', file, line, col, message };
  if (hint !== undefined) d.hint = hint;
  return d;
}

/** Reads an input file as text; a missing or unreadable file is an input error, not a crash. */
export function readInput(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError(file, 1, 1, `${what} not found`, 'check the path');
    if (code === 'EISDIR') throw inputError(file, 1, 1, `${what} is a directory`, 'give a file');
    throw inputError(file, 1, 1, `cannot read ${what}: ${(e as Error).message}`);
  }
}
