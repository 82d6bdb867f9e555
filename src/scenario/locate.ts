// Maps a path into a parsed YAML document (['spec', 'timeline', 2, 'replicas']) to the line and
// column where it was written, so every problem can be reported as file:line:col.

import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type LineCounter,
  type YAMLError,
} from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export interface LocateOptions {
  /** Point at the key of the last path element instead of its value (used for unknown fields). */
  key?: boolean;
}

function startOf(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}

function keyMatches(key: unknown, seg: string | number): boolean {
  if (isScalar(key)) return String(key.value) === String(seg);
  return key === seg || String(key) === String(seg);
}

/**
 * Finds the offset of the node at `path`. If that node does not exist (a missing field), the
 * nearest existing ancestor is used; a key whose value is empty points at the key.
 */
export function locateOffset(doc: Document, path: YamlPath, options: LocateOptions = {}): number {
  // Fast path: the node exists as written (no aliases on the way).
  if (!options.key && path.length > 0) {
    const direct = doc.getIn(path, true);
    const start = startOf(direct);
    if (start !== undefined && !(isScalar(direct) && direct.value === null && direct.source === ''))
      return start;
  }
  let node: unknown = doc.contents;
  let pos = startOf(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyMatches(p.key, seg));
      if (pair === undefined) break;
      const keyPos = startOf(pair.key);
      if (last && options.key && keyPos !== undefined) return keyPos;
      const value = pair.value;
      const valuePos = startOf(value);
      const empty = isScalar(value) && value.value === null && value.source === '';
      if (valuePos === undefined || empty) {
        if (keyPos !== undefined) pos = keyPos;
        break;
      }
      node = value;
      pos = valuePos;
    } else if (isSeq(node)) {
      const item = typeof seg === 'number' ? node.items[seg] : undefined;
      const itemPos = startOf(item);
      if (itemPos === undefined) break;
      node = item;
      pos = itemPos;
    } else {
      break;
    }
  }
  return pos;
}

export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: YamlPath,
  options: LocateOptions = {},
): Position {
  return lineCounter.linePos(locateOffset(doc, path, options));
}

/** Where a YAML parse error or warning starts. */
export function errorPosition(err: YAMLError, lineCounter: LineCounter): Position {
  const lp = err.linePos?.[0];
  return lp ? { line: lp.line, col: lp.col } : lineCounter.linePos(err.pos[0]);
}

/** The one-line message of a YAML error (prettyErrors appends " at line L, column C:" and a code frame). */
export function errorMessage(err: YAMLError): string {
  const first = err.message.split('\n')[0] ?? err.message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}
