// Problems found in scenario files, with the place they were found. The CLI prints one line per
// diagnostic: `file:line:col: message (hint)`, warnings as `file:line:col: warning: message (hint)`.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** The file as the user named it (relative paths stay relative). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  message: string;
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  const hint = d.hint === undefined || d.hint === '' ? '' : ` (${d.hint})`;
  return `${d.file}:${d.line}:${d.col}: ${prefix}${d.message}${hint}`;
}

/** Thrown when a scenario has errors; `diagnostics` holds every error, `warnings` what else was found. */
export class ScenarioError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly warnings: Diagnostic[];

  constructor(diagnostics: Diagnostic[], warnings: Diagnostic[] = []) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'ScenarioError';
    this.diagnostics = diagnostics;
    this.warnings = warnings;
  }
}

/**
 * Orders diagnostics for printing: files in the order given (first appearance otherwise), then
 * by line and column. Stable, so problems at the same place keep the order they were found.
 */
export function sortDiagnostics(diags: Diagnostic[], fileOrder: string[] = []): Diagnostic[] {
  const rank = new Map<string, number>();
  for (const f of fileOrder) if (!rank.has(f)) rank.set(f, rank.size);
  for (const d of diags) if (!rank.has(d.file)) rank.set(d.file, rank.size);
  return diags
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        rank.get(a.d.file)! - rank.get(b.d.file)! || a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i,
    )
    .map((x) => x.d);
}
