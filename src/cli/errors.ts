// Errors a user can cause end the process with exit code 2 and one line per problem; anything
// else is a bug in kubesim (exit code 1, with the stack, so it can be reported).

import { formatDiagnostic, ScenarioError } from '../scenario/diagnostics.js';
import { UnknownSchedulerError } from '../sim/simulation.js';

export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export function reportError(e: unknown, io: Io): number {
  if (e instanceof ScenarioError) {
    for (const d of [...e.diagnostics, ...e.warnings]) io.err(formatDiagnostic(d));
    return 2;
  }
  if (e instanceof UsageError || e instanceof UnknownSchedulerError) {
    io.err(`kubesim: ${e.message}`);
    return 2;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'ENOTDIR' || err?.code === 'EEXIST' || err?.code === 'ENOSPC') {
    io.err(`kubesim: ${err.message}`);
    return 2;
  }
  io.err(`kubesim: internal error (please report it): ${err?.stack ?? String(e)}`);
  return 1;
}
