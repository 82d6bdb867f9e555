// A KubeSchedulerConfiguration given on the command line (`--scheduler ./scheduler.yaml`): read,
// checked like one inside a scenario, with every problem reported as file:line:col.

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { checkSchedulerConfiguration } from '../scheduler/check-config.js';
import { type Diagnostic, ScenarioError } from './diagnostics.js';
import { errorMessage, errorPosition, locate } from './locate.js';

/** Whether a --scheduler value names a file rather than a preset. */
export function isSchedulerFile(value: string): boolean {
  return /\.(ya?ml|json)$/i.test(value) || value.includes('/');
}

export function loadSchedulerFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ScenarioError([
      {
        severity: 'error',
        file,
        line: 1,
        col: 1,
        message: missing ? 'scheduler configuration file not found' : (e as Error).message,
      },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((err) => ({
        severity: 'error',
        file,
        ...errorPosition(err, lineCounter),
        message: errorMessage(err),
      })),
    );
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError([
      {
        severity: 'error',
        file,
        line: 1,
        col: 1,
        message: 'expected one KubeSchedulerConfiguration mapping',
      },
    ]);
  }
  const diagnostics: Diagnostic[] = checkSchedulerConfiguration(raw as Record<string, unknown>).map(
    (issue) => {
      const d: Diagnostic = {
        severity: issue.severity,
        file,
        ...locate(doc, lineCounter, issue.path),
        message: issue.message,
      };
      if (issue.hint !== undefined) d.hint = issue.hint;
      return d;
    },
  );
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new ScenarioError(
      errors,
      diagnostics.filter((d) => d.severity === 'warning'),
    );
  return raw as Record<string, unknown>;
}
