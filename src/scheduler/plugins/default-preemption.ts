// DefaultPreemption (upstream plugins/defaultpreemption + framework/preemption): when no node
// passed filtering, find a node where evicting lower-priority pods lets the pod in, evict them and
// nominate the pod there.
//
// 1. Eligibility: preemptionPolicy Never never preempts. A pod already nominated to a node waits
//    while a lower-priority pod there is terminating because of preemption (deletionTimestamp and
//    a DisruptionTarget=True/PreemptionByScheduler condition), unless filters found its nominated
//    node UnschedulableAndUnresolvable.
// 2. Candidates: only nodes whose filter status was Unschedulable (a node absent from the status
//    map counts as UnschedulableAndUnresolvable, upstream's default). From a random offset
//    (stream "scheduler/preemption", upstream rand.Int31n) the nodes are dry-run in turn until
//    numCandidates = clamp(max(N·minCandidateNodesPercentage/100, minCandidateNodesAbsolute), N)
//    candidates are found and at least one violates no PodDisruptionBudget. Upstream runs the dry
//    run in parallel and stops "about" there; kubesim runs it in order, so it stops exactly there.
// 3. SelectVictimsOnNode, on a copy of the NodeInfo and CycleState: remove every pod of lower
//    priority (PreFilter RemovePod extensions keep the state right), check the pod fits with the
//    profile's filters (nominated pods included); then add pods back from the most important
//    (higher priority, then earlier start), PDB-violating ones first, keeping each one the pod
//    still fits with. The rest are the victims.
// 4. pickOneNodeForPreemption, lexicographic: fewest PDB violations; lowest highest-victim
//    priority; smallest sum of victim priorities (each shifted by 2^31 so all are ≥ 0); fewest
//    victims; latest earliest-start-time among the highest-priority victims; first candidate.
//    Upstream's "first" is Go map order (random); kubesim's is candidate order: non-violating
//    candidates first, each group in dry-run order from the random offset.
// 5. Victims (not already being deleted) get DisruptionTarget=True (reason PreemptionByScheduler)
//    and are deleted; lower-priority pods nominated to the node lose their nomination; the pod is
//    nominated to the node. Without a candidate the message is upstream's FitError with the
//    per-node reasons, e.g. "preemption: 0/3 nodes are available: 3 No preemption victims found
//    for incoming pod.", and the pod's nomination is cleared (nominatedNodeName "").
//
// PodDisruptionBudgets: status.disruptionsAllowed when the PDB has a status (upstream reads only
// that; the disruption controller keeps it current). A PDB without status (no disruption
// controller in the run, or not synced yet) gets what that controller would compute from the
// snapshot: expected pods = matching pods on nodes, healthy = those Ready and not terminating
// nor listed in status.disruptedPods, desired from minAvailable / maxUnavailable (percentages
// rounded up), allowed = max(healthy − desired, 0), and 0 when nothing matches or neither field is
// set. Upstream's expected count for percentages and maxUnavailable is the owning controllers'
// scale; the snapshot count is the same in a settled cluster.
//
// Preemption here is synchronous (the victims' deletions are issued within the cycle), so
// eventsToRegister is empty like upstream's with async preemption off.

import { extend } from '../../api/extend.js';
import { scaledValue } from '../../api/int-or-percent.js';
import { compileLabelSelector, type LabelMatcher } from '../../api/labels.js';
import { isPodReady, setPodCondition } from '../../api/pod.js';
import type { Pod, PodDisruptionBudget } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  Handle,
  NodeToStatus,
  Plugin,
  PostFilterPlugin,
  PostFilterResult,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';

export const NAME = 'DefaultPreemption';

export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_PREEMPTION_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const MSG_TERMINATING_ON_NOMINATED = 'not eligible due to a terminating pod on the nominated node.';
/** v1.PodReasonPreemptionByScheduler. */
export const REASON_PREEMPTION_BY_SCHEDULER = 'PreemptionByScheduler';

export interface DefaultPreemptionArgs {
  /** Candidates to find, as a percentage of the potential nodes (upstream default 10). */
  minCandidateNodesPercentage: number;
  /** ...but at least this many (upstream default 100). */
  minCandidateNodesAbsolute: number;
}

export const DEFAULT_PREEMPTION_ARGS: Readonly<DefaultPreemptionArgs> = {
  minCandidateNodesPercentage: 10,
  minCandidateNodesAbsolute: 100,
};

const MAX_INT32 = 2_147_483_647;
/** disruption.DeletionTimeout: a pod in status.disruptedPods is expected gone within 2 minutes. */
const PDB_DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** A node where preemption would let the pod in (upstream Candidate / extenderv1.Victims). */
export interface Candidate {
  nodeName: string;
  /** Most important first. */
  victims: Pod[];
  numPDBViolations: number;
}

/** corev1helpers.PodPriority. */
function priorityOf(pod: Pod): number {
  return pod.spec.priority ?? 0;
}

function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

interface PDBInfo {
  namespace: string;
  matcher: LabelMatcher;
  /** Selector empty or nil: the preemption code never applies it. */
  empty: boolean;
  allowed: number;
  disrupted: ReadonlySet<string>;
}

interface PDBStatus {
  disruptionsAllowed?: number;
  disruptedPods?: Record<string, number | string>;
}

function pdbStatus(pdb: PodDisruptionBudget): PDBStatus | undefined {
  const s = pdb.status;
  return s !== null && typeof s === 'object' ? (s as PDBStatus) : undefined;
}

export class DefaultPreemption implements PostFilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  constructor(
    readonly args: Readonly<DefaultPreemptionArgs>,
    private readonly handle: Handle,
  ) {}

  eventsToRegister(): readonly ClusterEvent[] {
    return [];
  }

  postFilter(
    state: CycleState,
    pod: Pod,
    filteredNodeStatus: NodeToStatus,
  ): { result?: PostFilterResult; status: Status } {
    const { result, status } = this.preempt(state, pod, filteredNodeStatus);
    const msg = status.message();
    if (msg.length > 0) return { result, status: new Status(status.code, [`preemption: ${msg}`]) };
    return result === undefined ? { status } : { result, status };
  }

  /** How many candidates to look for among `numNodes` potential nodes (calculateNumCandidates). */
  calculateNumCandidates(numNodes: number): number {
    let n = Math.trunc((numNodes * this.args.minCandidateNodesPercentage) / 100);
    if (n < this.args.minCandidateNodesAbsolute) n = this.args.minCandidateNodesAbsolute;
    if (n > numNodes) n = numNodes;
    return n;
  }

  private preempt(
    state: CycleState,
    podArg: Pod,
    m: NodeToStatus,
  ): { result?: PostFilterResult; status: Status } {
    // 0) The latest version of the pod, as upstream reads it from the informer.
    const pod =
      this.handle.objects.get<Pod>('Pod', podArg.metadata.namespace ?? 'default', podArg.metadata.name) ??
      podArg;

    // 1) Eligibility.
    const why = this.notEligibleReason(pod, m);
    if (why !== undefined) return { status: Status.unschedulable(why) };

    // 2) Candidates.
    const allNodes = this.handle.nodes.list();
    if (allNodes.length === 0) return { status: Status.error('no nodes available') };
    const potential = allNodes.filter((n) => m.get(n.name)?.code === 'Unschedulable');
    const nodeStatuses = new Map<string, Status>();
    let candidates: Candidate[] = [];
    let errors: string[] = [];
    if (potential.length > 0) {
      const pdbs = this.podDisruptionBudgets();
      const offset = this.handle.random('scheduler/preemption').int(potential.length);
      const num = this.calculateNumCandidates(potential.length);
      ({ candidates, errors } = this.dryRunPreemption(
        state,
        pod,
        potential,
        pdbs,
        offset,
        num,
        nodeStatuses,
      ));
    }
    if (errors.length > 0 && candidates.length === 0) return { status: Status.error(errors.join(', ')) };
    if (candidates.length === 0) {
      return {
        result: { nominatedNodeName: '' },
        status: Status.unschedulable(fitErrorMessage(allNodes.length, nodeStatuses)),
      };
    }

    // 4) The best candidate.
    const best = candidates.length === 1 ? candidates[0]! : this.pickOne(candidates);

    // 5) Evict, clear lower nominations, nominate.
    this.prepareCandidate(best, pod);
    return { result: { nominatedNodeName: best.nodeName }, status: Status.SUCCESS };
  }

  /** PodEligibleToPreemptOthers: undefined when eligible, else why not. */
  private notEligibleReason(pod: Pod, m: NodeToStatus): string | undefined {
    if (pod.spec.preemptionPolicy === 'Never') return MSG_PREEMPTION_POLICY_NEVER;
    const nominated = pod.status?.nominatedNodeName ?? '';
    if (nominated === '') return undefined;
    // Absent nodes have upstream's default status, UnschedulableAndUnresolvable.
    const code = m.get(nominated)?.code ?? 'UnschedulableAndUnresolvable';
    if (code === 'UnschedulableAndUnresolvable') return undefined;
    const ni = this.handle.nodes.get(nominated);
    if (ni === undefined) return undefined;
    const prio = priorityOf(pod);
    for (const info of ni.pods.values()) {
      if (priorityOf(info.pod) < prio && terminatingByPreemption(info.pod))
        return MSG_TERMINATING_ON_NOMINATED;
    }
    return undefined;
  }

  /**
   * DryRunPreemption, sequentially: nodes from `offset` on, until `num` candidates are found and
   * one of them violates no PDB. Non-violating candidates come first in the result.
   */
  private dryRunPreemption(
    state: CycleState,
    pod: Pod,
    potential: readonly NodeInfo[],
    pdbs: readonly PDBInfo[],
    offset: number,
    num: number,
    nodeStatuses: Map<string, Status>,
  ): { candidates: Candidate[]; errors: string[] } {
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    const errors: string[] = [];
    for (let i = 0; i < potential.length; i++) {
      const ni = potential[(offset + i) % potential.length]!.clone();
      const res = this.selectVictimsOnNode(state.clone(), pod, ni, pdbs);
      let status = res.status;
      if (status.isSuccess() && res.victims.length > 0) {
        const c: Candidate = {
          nodeName: ni.name,
          victims: res.victims,
          numPDBViolations: res.numPDBViolations,
        };
        const list = res.numPDBViolations === 0 ? nonViolating : violating;
        if (list.length < num) list.push(c);
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= num) break;
        continue;
      }
      if (status.isSuccess())
        status = Status.error(`expected at least one victim pod on node ${JSON.stringify(ni.name)}`);
      if (status.code === 'Error') errors.push(status.message());
      nodeStatuses.set(ni.name, status);
    }
    return { candidates: [...nonViolating, ...violating], errors };
  }

  /**
   * SelectVictimsOnNode on copies of the NodeInfo and CycleState: the fewest, least important
   * lower-priority pods whose removal lets the pod pass the filters.
   */
  private selectVictimsOnNode(
    state: CycleState,
    pod: Pod,
    ni: NodeInfo,
    pdbs: readonly PDBInfo[],
  ): { victims: Pod[]; numPDBViolations: number; status: Status } {
    // Runs for hundreds of nodes per preemption: no closures (tsx names every closure it creates)
    // and the priorities come precomputed from PodInfo.
    const h = this.handle;
    const prio = priorityOf(pod);
    const lower: PodInfo[] = [];
    for (const info of ni.pods.values()) if (info.priority < prio) lower.push(info);
    for (let i = 0; i < lower.length; i++) {
      const s = this.removeInDryRun(state, pod, lower[i]!.pod, ni);
      if (!s.isSuccess()) return failed(s);
    }
    if (lower.length === 0) {
      return { victims: [], numPDBViolations: 0, status: Status.unresolvable(REASON_NO_VICTIMS) };
    }
    const fits = h.runFilterPluginsWithNominatedPods(state, pod, ni);
    if (!fits.isSuccess()) return { victims: [], numPDBViolations: 0, status: fits };

    const now = h.now();
    sortByImportance(lower, now);
    const { violating, nonViolating } = filterPodsWithPDBViolation(lower, pdbs);
    const victims: Pod[] = [];
    let numPDBViolations = 0;
    for (let i = 0; i < violating.length; i++) {
      const kept = this.reprieve(state, pod, violating[i]!, ni, victims);
      if (kept instanceof Status) return failed(kept);
      if (!kept) numPDBViolations++;
    }
    for (let i = 0; i < nonViolating.length; i++) {
      const kept = this.reprieve(state, pod, nonViolating[i]!, ni, victims);
      if (kept instanceof Status) return failed(kept);
    }
    if (violating.length > 0 && nonViolating.length > 0) {
      victims.sort((x, y) => byImportance(x, priorityOf(x), y, priorityOf(y), now));
    }
    return { victims, numPDBViolations, status: Status.SUCCESS };
  }

  /**
   * Re-adds p; keeps it if the pod still fits (true), else takes it out again as a victim. The
   * PodInfo is the one the node held, so re-adding derives nothing.
   */
  private reprieve(
    state: CycleState,
    pod: Pod,
    info: PodInfo,
    ni: NodeInfo,
    victims: Pod[],
  ): boolean | Status {
    const p = info.pod;
    ni.addPod(p, info);
    const a = this.handle.runPreFilterExtensionAddPod(state, pod, p, ni);
    if (!a.isSuccess()) return a;
    if (this.handle.runFilterPluginsWithNominatedPods(state, pod, ni).isSuccess()) return true;
    const r = this.removeInDryRun(state, pod, p, ni);
    if (!r.isSuccess()) return r;
    victims.push(p);
    return false;
  }

  private removeInDryRun(state: CycleState, pod: Pod, p: Pod, ni: NodeInfo): Status {
    ni.removePod(p.metadata.uid!);
    return this.handle.runPreFilterExtensionRemovePod(state, pod, p, ni);
  }

  /** pickOneNodeForPreemption with the default score functions, in upstream order. */
  private pickOne(candidates: Candidate[]): Candidate {
    const now = this.handle.now();
    const scoreFuncs: ((c: Candidate) => number)[] = [
      // Fewest PDB violations.
      (c) => -c.numPDBViolations,
      // Lowest priority of the most important victim.
      (c) => -priorityOf(c.victims[0]!),
      // Smallest sum of priorities, each shifted by MaxInt32+1 so a few very negative victims do
      // not beat fewer victims of the same priority. Exact in a double: |sum| < 2^53.
      (c) => -c.victims.reduce((sum, p) => sum + priorityOf(p) + MAX_INT32 + 1, 0),
      // Fewest victims.
      (c) => -c.victims.length,
      // Latest start among the highest-priority victims.
      (c) => earliestStartOfHighestPriority(c.victims, now),
    ];
    let remaining = candidates;
    for (const f of scoreFuncs) {
      let max = Number.NEGATIVE_INFINITY;
      let selected: Candidate[] = [];
      for (const c of remaining) {
        const s = f(c);
        if (s > max) {
          max = s;
          selected = [];
        }
        if (s === max) selected.push(c);
      }
      if (selected.length === 1) return selected[0]!;
      remaining = selected;
    }
    return remaining[0]!;
  }

  /** prepareCandidate: evict the victims and drop lower-priority nominations to the node. */
  private prepareCandidate(c: Candidate, preemptor: Pod): void {
    const h = this.handle;
    const now = h.now();
    const schedulerName = preemptor.spec.schedulerName ?? 'default-scheduler';
    for (const victim of c.victims) {
      // Graceful deletion already under way: nothing to send.
      if (victim.metadata.deletionTimestamp !== undefined) continue;
      const marked = setPodCondition(
        victim,
        'DisruptionTarget',
        'True',
        now,
        REASON_PREEMPTION_BY_SCHEDULER,
        `${schedulerName}: preempting to accommodate a higher priority pod`,
      );
      if (marked !== victim) h.updatePodStatus(marked);
      h.deletePod(
        marked,
        `Preempted by pod ${preemptor.metadata.uid ?? podKey(preemptor)} on node ${c.nodeName}`,
      );
    }
    const prio = priorityOf(preemptor);
    for (const p of h.nominator.nominatedPodsForNode(c.nodeName)) {
      if (priorityOf(p) >= prio) continue;
      const { nominatedNodeName: _, ...rest } = p.status ?? {};
      h.updatePodStatus(extend(p, { status: rest }));
    }
  }

  /** Every PDB with its disruptions allowed (see the file comment for PDBs without status). */
  private podDisruptionBudgets(): PDBInfo[] {
    const out: PDBInfo[] = [];
    let snapshotPods: Pod[] | undefined;
    const now = this.handle.now();
    for (const pdb of this.handle.objects.list<PodDisruptionBudget>('PodDisruptionBudget')) {
      const sel = pdb.spec?.selector;
      const empty =
        sel === undefined ||
        sel === null ||
        (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
      const status = pdbStatus(pdb);
      const disrupted = new Set(Object.keys(status?.disruptedPods ?? {}));
      const info: PDBInfo = {
        namespace: pdb.metadata.namespace ?? 'default',
        matcher: compileLabelSelector(sel),
        empty,
        allowed: 0,
        disrupted,
      };
      if (typeof status?.disruptionsAllowed === 'number') {
        info.allowed = status.disruptionsAllowed;
      } else {
        snapshotPods ??= this.handle.nodes.list().flatMap((n) => [...n.pods.values()].map((i) => i.pod));
        info.allowed = computeDisruptionsAllowed(pdb, info, snapshotPods, now);
      }
      out.push(info);
    }
    return out;
  }
}

/** What the disruption controller would publish as status.disruptionsAllowed. */
function computeDisruptionsAllowed(
  pdb: PodDisruptionBudget,
  info: PDBInfo,
  pods: readonly Pod[],
  now: number,
): number {
  const disruptedAt = pdbStatus(pdb)?.disruptedPods ?? {};
  const matching = pods.filter(
    (p) => (p.metadata.namespace ?? 'default') === info.namespace && info.matcher(p.metadata.labels),
  );
  // With neither field set the controller leaves expected at 0, which allows nothing.
  let expected = 0;
  let desired = 0;
  try {
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      expected = matching.length;
      desired = Math.max(0, expected - scaledValue(maxUnavailable, expected, true));
    } else if (minAvailable !== undefined && minAvailable !== null) {
      expected = matching.length;
      desired = typeof minAvailable === 'number' ? minAvailable : scaledValue(minAvailable, expected, true);
    }
  } catch {
    return 0; // The controller's failSafe.
  }
  let healthy = 0;
  for (const p of matching) {
    if (p.metadata.deletionTimestamp !== undefined) continue;
    const t = disruptedAt[p.metadata.name];
    if (typeof t === 'number' && t + PDB_DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(p)) healthy++;
  }
  const allowed = healthy - desired;
  return expected <= 0 || allowed <= 0 ? 0 : allowed;
}

/**
 * filterPodsWithPDBViolation: splits pods (order kept) into those whose eviction would take a
 * matching PDB below zero disruptions allowed, and the rest. Budgets are consumed in pod order; a
 * pod already in a PDB's disruptedPods does not consume it; a pod without labels matches none.
 */
function filterPodsWithPDBViolation(
  infos: readonly PodInfo[],
  pdbs: readonly PDBInfo[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.allowed);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const info of infos) {
    const pod = info.pod;
    let violated = false;
    const labels = pod.metadata.labels;
    if (labels !== undefined && Object.keys(labels).length > 0) {
      const ns = pod.metadata.namespace ?? 'default';
      for (let i = 0; i < pdbs.length; i++) {
        const pdb = pdbs[i]!;
        if (pdb.namespace !== ns || pdb.empty || !pdb.matcher(labels)) continue;
        // Already counted by the API server's eviction handling: not a new disruption.
        if (pdb.disrupted.has(pod.metadata.name)) continue;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      }
    }
    (violated ? violating : nonViolating).push(info);
  }
  return { violating, nonViolating };
}

/** util.GetPodStartTime: status.startTime, or now for a pod that has not started. */
function startTime(pod: Pod, now: number): number {
  return pod.status?.startTime ?? now;
}

/**
 * Sort order of util.MoreImportantPod (higher priority, then the one that started earlier):
 * negative when a is more important, 0 when neither is.
 */
function byImportance(a: Pod, pa: number, b: Pod, pb: number, now: number): number {
  if (pa !== pb) return pa > pb ? -1 : 1;
  return startTime(a, now) - startTime(b, now);
}

/** util.GetEarliestPodStartTime: earliest start among the victims of the highest priority. */
function earliestStartOfHighestPriority(victims: readonly Pod[], now: number): number {
  let maxPrio = priorityOf(victims[0]!);
  let earliest = startTime(victims[0]!, now);
  for (const p of victims) {
    const prio = priorityOf(p);
    if (prio === maxPrio) earliest = Math.min(earliest, startTime(p, now));
    else if (prio > maxPrio) {
      maxPrio = prio;
      earliest = startTime(p, now);
    }
  }
  return earliest;
}

/** Terminating because the scheduler preempted it (podTerminatingByPreemption). */
function terminatingByPreemption(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp === undefined) return false;
  for (const c of pod.status?.conditions ?? []) {
    if (c.type === 'DisruptionTarget')
      return c.status === 'True' && c.reason === REASON_PREEMPTION_BY_SCHEDULER;
  }
  return false;
}

function asError(s: Status): Status {
  return s.code === 'Error' ? s : Status.error(s.message());
}

function failed(s: Status): { victims: Pod[]; numPDBViolations: number; status: Status } {
  return { victims: [], numPDBViolations: 0, status: asError(s) };
}

/** Most important first (util.MoreImportantPod order); stable insertion sort, lists are short. */
function sortByImportance(infos: PodInfo[], now: number): void {
  for (let i = 1; i < infos.length; i++) {
    const x = infos[i]!;
    let j = i - 1;
    while (j >= 0 && byImportance(infos[j]!.pod, infos[j]!.priority, x.pod, x.priority, now) > 0) {
      infos[j + 1] = infos[j]!;
      j--;
    }
    infos[j + 1] = x;
  }
}

/**
 * FitError.Error() for the dry-run statuses: "0/N nodes are available: <count> <reason>, ...."
 * with the reasons sorted as strings; nodes without a status (not candidates) count as
 * "Preemption is not helpful for scheduling".
 */
function fitErrorMessage(numAllNodes: number, statuses: ReadonlyMap<string, Status>): string {
  const counts = new Map<string, number>();
  for (const s of statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (statuses.size < numAllNodes) {
    counts.set(REASON_NOT_HELPFUL, (counts.get(REASON_NOT_HELPFUL) ?? 0) + numAllNodes - statuses.size);
  }
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let msg = `0/${numAllNodes} nodes are available:`;
  if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  return msg;
}

function intArg(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ArgsError(
      [key],
      `${key} must be an integer`,
      `e.g. ${DEFAULT_PREEMPTION_ARGS[key as keyof DefaultPreemptionArgs]}`,
    );
  }
  return value;
}

export function newDefaultPreemption(args: Record<string, unknown>, handle: Handle): Plugin {
  const out: DefaultPreemptionArgs = { ...DEFAULT_PREEMPTION_ARGS };
  for (const [key, value] of Object.entries(args ?? {})) {
    switch (key) {
      case 'apiVersion':
      case 'kind':
        break;
      case 'minCandidateNodesPercentage':
        out.minCandidateNodesPercentage = intArg(key, value);
        if (out.minCandidateNodesPercentage < 0 || out.minCandidateNodesPercentage > 100) {
          throw new ArgsError([key], 'not in valid range [0, 100]', 'a percentage of the nodes, e.g. 10');
        }
        break;
      case 'minCandidateNodesAbsolute':
        out.minCandidateNodesAbsolute = intArg(key, value);
        if (out.minCandidateNodesAbsolute < 0) {
          throw new ArgsError([key], 'not in valid range [0, inf)', 'a number of nodes, e.g. 100');
        }
        break;
      default:
        throw new ArgsError(
          [key],
          `unknown field ${JSON.stringify(key)}`,
          'DefaultPreemption takes minCandidateNodesPercentage and minCandidateNodesAbsolute',
        );
    }
  }
  if (out.minCandidateNodesPercentage === 0 && out.minCandidateNodesAbsolute === 0) {
    throw new ArgsError(
      ['minCandidateNodesPercentage'],
      'cannot be zero at the same time as minCandidateNodesAbsolute',
      'set one of them above zero',
    );
  }
  return new DefaultPreemption(out, handle);
}
