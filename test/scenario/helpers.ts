// Shared helpers for scenario tests: fixture paths and an in-memory file system.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { loadScenario } from '../../src/scenario/load.js';

/** test/fixtures/scenarios relative to the working directory, as a user would type it. */
export const FIXTURES = path.relative(
  process.cwd(),
  fileURLToPath(new URL('../fixtures/scenarios', import.meta.url)),
);

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** The formatted error lines loadScenario throws for a file, or [] if it loads. */
export async function errorLines(file: string): Promise<string[]> {
  try {
    await loadScenario(file);
    return [];
  } catch (e) {
    const diagnostics = (e as { diagnostics?: Parameters<typeof formatDiagnostic>[0][] }).diagnostics;
    if (diagnostics === undefined) throw e;
    return diagnostics.map(formatDiagnostic);
  }
}

/** A readFile over an in-memory map that fails like the file system for missing paths. */
export function memoryFiles(files: Record<string, string>): (p: string) => string {
  return (p) => {
    const text = files[p];
    if (text === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    }
    return text;
  };
}

export const HEAD = 'apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nmetadata: {name: t}\n';
