// The scheduling framework's vocabulary: plugin results and the decision record every scheduler
// in kubesim emits (DESIGN §5, `kubesim explain --json`).

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

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
}

/** Builds the upstream "0/N nodes are available: ..." message from per-node failure reasons. */
export function unschedulableMessage(totalNodes: number, reasons: readonly string[]): string {
  const histogram = new Map<string, number>();
  for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const parts = [...histogram].map(([reason, n]) => `${n} ${reason}`).sort();
  return parts.length === 0
    ? `0/${totalNodes} nodes are available.`
    : `0/${totalNodes} nodes are available: ${parts.join(', ')}.`;
}
