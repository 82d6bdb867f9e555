// A problem found while checking user input. The path points into the input document
// (e.g. ['spec', 'template', 'spec', 'containers', 0, 'image']) so the scenario loader can turn it
// into file:line:col; layers below the loader never know about files.

export type IssuePath = (string | number)[];

export interface Issue {
  severity: 'error' | 'warning';
  path: IssuePath;
  message: string;
  /** What the user can do about it; printed in parentheses after the message. */
  hint?: string;
  /** The problem is the key at `path` itself (e.g. an unknown field), not its value. */
  key?: boolean;
}

export function error(path: IssuePath, message: string, hint?: string): Issue {
  return hint === undefined
    ? { severity: 'error', path, message }
    : { severity: 'error', path, message, hint };
}

export function warning(path: IssuePath, message: string, hint?: string): Issue {
  return hint === undefined
    ? { severity: 'warning', path, message }
    : { severity: 'warning', path, message, hint };
}
