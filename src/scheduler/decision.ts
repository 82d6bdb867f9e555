// The decision record every scheduler in kubesim emits for each attempt (DESIGN §5; the JSON of
// `kubesim explain --json` and of decisions.jsonl), and upstream's unschedulable message format.

import type { Code } from './framework/status.js';

export interface FilterVerdict {
  plugin: string;
  code: Code;
  reason: string;
}

export interface ScoreEntry {
  plugin: string;
  raw: number;
  normalized: number;
  weight: number;
  weighted: number;
}

export interface NodeDecision {
  name: string;
  feasible: boolean;
  filters: FilterVerdict[];
  scores: ScoreEntry[];
  total: number;
}

export interface DecisionRecord {
  pod: string;
  /** Pod uid, so metrics can attribute attempts. */
  uid: string;
  profile: string;
  t: number;
  /** Nodes evaluated in this cycle (filtering may stop early, as upstream). */
  nodes: NodeDecision[];
  selectedNode: string | null;
  message: string;
  /** Pods preempted to make room (namespace/name), when the attempt ended in preemption. */
  victims?: string[];
  /** status.nominatedNodeName set by preemption. */
  nominatedNode?: string;
}

/**
 * Upstream FitError.Error(): "0/N nodes are available: <PreFilter message or the sorted reason
 * histogram>. <PostFilter message>". Reasons count once per node that gave them.
 */
export function fitErrorMessage(
  numAllNodes: number,
  reasons: readonly string[],
  preFilterMsg: string,
  postFilterMsg: string,
): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg !== '') msg += ` ${preFilterMsg}.`;
  else {
    const histogram = new Map<string, number>();
    for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
    const parts = [...histogram].map(([reason, n]) => `${n} ${reason}`).sort();
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  // The PostFilter message (preemption's) is appended as written, with no separator period.
  if (postFilterMsg !== '') msg += ` ${postFilterMsg}`;
  return msg;
}
