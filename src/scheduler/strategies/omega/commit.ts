// Omega's optimistic commit (§3.4): a transaction's claims are checked against the CURRENT cell
// state, which other schedulers may have changed since the snapshot. A claim conflicts when
// - resource-fit: its task no longer passes the hard constraints on its node now, counting the
//   claims of this transaction accepted before it (the paper's fine-grained detection), or
// - sequence-number: its node's sequence number moved since the snapshot, whether or not the
//   task would still fit (coarse-grained detection; the transaction's own claims are not yet
//   in the cell, so they do not move it).
// An incremental transaction accepts the claims that do not conflict; an all-or-nothing one
// accepts none if any conflicts (gang scheduling).

import type { NodeInfo } from '../../framework/node-info.js';
import type { CellState } from './cell-state.js';
import type { HardConstraints } from './constraints.js';
import type { ConflictGranularity, TransactionMode } from './options.js';
import type { Claim } from './placement.js';

export interface Conflict {
  claim: Claim;
  /** Why the claim conflicted, for the decision record. */
  reason: string;
}

export interface CommitCheck {
  /** Claims to bind. */
  accepted: Claim[];
  /** Claims that conflicted. */
  conflicts: Conflict[];
  /** Claims that did not conflict but were rolled back with an all-or-nothing transaction. */
  aborted: Claim[];
}

export function checkCommit(
  claims: readonly Claim[],
  cell: CellState,
  constraints: HardConstraints,
  granularity: ConflictGranularity,
  mode: TransactionMode,
): CommitCheck {
  const accepted: Claim[] = [];
  const conflicts: Conflict[] = [];
  /** Copies of current nodes with the claims accepted so far (resource-fit only). */
  const withAccepted = new Map<string, NodeInfo>();
  for (const claim of claims) {
    const live = cell.get(claim.node);
    if (live === undefined) {
      conflicts.push({ claim, reason: `node ${claim.node} is gone` });
      continue;
    }
    if (granularity === 'sequence-number') {
      const now = cell.sequenceOf(claim.node);
      if (now !== claim.sequence) {
        conflicts.push({
          claim,
          reason: `node ${claim.node} changed since the snapshot (sequence number ${claim.sequence} → ${now})`,
        });
      } else accepted.push(claim);
      continue;
    }
    const node = withAccepted.get(claim.node) ?? live;
    const fit = constraints.check(constraints.prepare(claim.pod), claim.pod, node);
    if (!fit.ok) {
      conflicts.push({
        claim,
        reason: `node ${claim.node} no longer fits the pod: ${fit.reasons.join(', ')}`,
      });
      continue;
    }
    const copy = withAccepted.get(claim.node) ?? live.clone();
    copy.addPod(claim.pod);
    withAccepted.set(claim.node, copy);
    accepted.push(claim);
  }
  if (mode === 'all-or-nothing' && conflicts.length > 0)
    return { accepted: [], conflicts, aborted: accepted };
  return { accepted, conflicts, aborted: [] };
}
