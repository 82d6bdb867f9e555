// Targets of timeline actions chosen at the moment the action runs: every object of a set, or the
// ones matching a label selector, optionally narrowed to `count` of them or `percent` % (rounded
// up) drawn on a named seeded stream, so the same seed picks the same nodes or pods.

import { compileLabelSelector, labelSelectorToString } from '../api/labels.js';
import type { RandomStream } from '../engine/random.js';
import type { NodeRef, Selection } from './spec.js';

/** Code-point order: the same on every machine, whatever its locale. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many of `available` objects a selection takes: all, `count` (capped), or `percent` % rounded up. */
export function selectionSize(selection: Selection, available: number): number {
  if ('all' in selection) return available;
  if (selection.count !== undefined) return Math.min(selection.count, available);
  if (selection.percent !== undefined)
    return Math.min(available, Math.ceil((available * selection.percent) / 100));
  return available;
}

/**
 * The names a selection picks among `objects`, in name order. Candidates are sorted by name before
 * sampling (a partial Fisher–Yates shuffle on `stream`), so the choice depends only on the seed,
 * the stream name and the set of candidates — not on creation order.
 */
export function selectNames(
  objects: Iterable<{ metadata: { name: string; labels?: Record<string, string> } }>,
  selection: Selection,
  stream: RandomStream,
): string[] {
  const matches = 'all' in selection ? () => true : compileLabelSelector(selection.selector);
  const candidates: string[] = [];
  for (const o of objects) if (matches(o.metadata.labels)) candidates.push(o.metadata.name);
  candidates.sort(byName);
  const size = selectionSize(selection, candidates.length);
  if (size === candidates.length) return candidates;
  for (let i = 0; i < size; i++) {
    const j = i + stream.int(candidates.length - i);
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  return candidates.slice(0, size).sort(byName);
}

/** "all", or the selector as kubectl prints it, for warnings. */
export function describeSelection(selection: Selection): string {
  return 'all' in selection ? 'all' : `matching ${JSON.stringify(labelSelectorToString(selection.selector))}`;
}

/** "node/worker-1" or "nodes matching ...", for warnings. */
export function describeNodeRef(ref: NodeRef): string {
  return ref.node !== undefined ? `node/${ref.node}` : `nodes ${describeSelection(ref.nodes)}`;
}
