// NodeResourcesFit (upstream pkg/scheduler/framework/plugins/noderesources/fit.go and its scorers):
// Filter rejects a node whose free allocatable (allocatable minus the real requests of the pods on
// it, assumed pods included) is smaller than the pod's request in any resource, or whose pod count
// is at its limit; every shortfall is a reason. The status is Unschedulable (preemption may help),
// or, since 1.34, UnschedulableAndUnresolvable when some request exceeds the node's allocatable
// alone. Score ranks nodes by a scoring strategy:
// LeastAllocated (default), MostAllocated or RequestedToCapacityRatio, over a weighted resource
// list, with the non-zero defaults (100m / 200Mi per container without a request) for cpu/memory.
//
// Also home to the pieces the noderesources plugins share upstream (resource specs, how a node's
// allocatable and requested amounts are read for scoring, version checks), which
// NodeResourcesBalancedAllocation imports.

import { podNonZeroRequests, podRequestVector, type ResourceVector } from '../../api/resources.js';
import type { Pod } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  NodeScore,
  Plugin,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Status } from '../framework/status.js';

export const NAME = 'NodeResourcesFit';

export const REASON_TOO_MANY_PODS = 'Too many pods';
export const REASON_INSUFFICIENT_CPU = 'Insufficient cpu';
export const REASON_INSUFFICIENT_MEMORY = 'Insufficient memory';
export const REASON_INSUFFICIENT_EPHEMERAL_STORAGE = 'Insufficient ephemeral-storage';

const MAX_NODE_SCORE = 100;
/** Shape scores are written 0..10 (config.MaxCustomPriorityScore) and scaled to 0..100. */
const MAX_CUSTOM_PRIORITY_SCORE = 10;
const MAX_UTILIZATION = 100;

const PRE_FILTER_KEY = `PreFilter${NAME}`;
const PRE_SCORE_KEY = `PreScore${NAME}`;

// ------------------------------------------------------------------ args

export interface ResourceSpec {
  name: string;
  weight: number;
}

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

/** A point of the RequestedToCapacityRatio shape: utilization 0..100 → score 0..10. */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

export interface ScoringStrategy {
  type: ScoringStrategyType;
  resources: ResourceSpec[];
  requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
}

/** NodeResourcesFitArgs after defaulting (upstream SetDefaults_NodeResourcesFitArgs). */
export interface NodeResourcesFitArgs {
  /** Extended resources Filter ignores. */
  ignoredResources: string[];
  /** Extended resource groups ("example.com" of "example.com/foo") Filter ignores. */
  ignoredResourceGroups: string[];
  scoringStrategy: ScoringStrategy;
}

/** cpu 1, memory 1: upstream's defaultResourceSpec. */
export function defaultResourceSpecs(): ResourceSpec[] {
  return [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
  ];
}

const STRATEGY_TYPES: readonly ScoringStrategyType[] = [
  'LeastAllocated',
  'MostAllocated',
  'RequestedToCapacityRatio',
];

type Path = (string | number)[];

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

/** A plain object (map) or throws ArgsError at path. */
export function expectMap(v: unknown, path: Path, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new ArgsError(path, `${what} must be a map, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

/** Rejects keys outside `known` (a typo would otherwise be silently ignored). */
export function rejectUnknownKeys(obj: Record<string, unknown>, known: readonly string[], path: Path): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new ArgsError(
        [...path, key],
        `unknown field ${JSON.stringify(key)}`,
        `known: ${known.join(', ')}`,
      );
    }
  }
}

export function expectList(v: unknown, path: Path, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ArgsError(path, `${what} must be a list, got ${describe(v)}`);
  return v;
}

function expectInt(v: unknown, path: Path, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ArgsError(path, `${what} must be an integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * A `resources` list of {name, weight}. A missing weight defaults to 1 (upstream's v1 defaulting).
 * `weightRange` is the valid range of an explicit weight.
 */
export function parseResourceSpecs(v: unknown, path: Path, weightRange: [number, number]): ResourceSpec[] {
  const out: ResourceSpec[] = [];
  expectList(v, path, 'resources').forEach((item, i) => {
    const p = [...path, i];
    const m = expectMap(item, p, 'a resource');
    rejectUnknownKeys(m, ['name', 'weight'], p);
    if (typeof m.name !== 'string' || m.name === '') {
      throw new ArgsError([...p, 'name'], 'resource name must be a non-empty string', 'e.g. cpu, memory');
    }
    let weight = 1;
    if (m.weight !== undefined) {
      weight = expectInt(m.weight, [...p, 'weight'], 'weight');
      const [lo, hi] = weightRange;
      if (weight < lo || weight > hi) {
        const range = lo === hi ? `must be ${lo}` : `not in valid range [${lo}, ${hi}]`;
        throw new ArgsError(
          [...p, 'weight'],
          `resource weight of ${m.name} ${range}`,
          weight === 0 ? 'upstream treats an unset weight as 1; remove the resource to ignore it' : undefined,
        );
      }
    }
    out.push({ name: m.name, weight });
  });
  return out;
}

function parseShape(v: unknown, path: Path): UtilizationShapePoint[] {
  const list = expectList(v, path, 'shape');
  if (list.length === 0) throw new ArgsError(path, 'at least one point must be specified');
  const shape = list.map((item, i) => {
    const p = [...path, i];
    const m = expectMap(item, p, 'a shape point');
    rejectUnknownKeys(m, ['utilization', 'score'], p);
    const utilization = expectInt(m.utilization, [...p, 'utilization'], 'utilization');
    const score = expectInt(m.score, [...p, 'score'], 'score');
    if (utilization < 0 || utilization > MAX_UTILIZATION) {
      throw new ArgsError([...p, 'utilization'], `not in valid range [0, ${MAX_UTILIZATION}]`);
    }
    if (score < 0 || score > MAX_CUSTOM_PRIORITY_SCORE) {
      throw new ArgsError([...p, 'score'], `not in valid range [0, ${MAX_CUSTOM_PRIORITY_SCORE}]`);
    }
    return { utilization, score };
  });
  for (let i = 1; i < shape.length; i++) {
    if (shape[i - 1]!.utilization >= shape[i]!.utilization) {
      throw new ArgsError(
        [...path, i, 'utilization'],
        'utilization values must be sorted in increasing order',
      );
    }
  }
  return shape;
}

function parseStringList(v: unknown, path: Path, what: string, noSlash: boolean): string[] {
  return expectList(v, path, what).map((s, i) => {
    if (typeof s !== 'string' || s === '') {
      throw new ArgsError([...path, i], `${what} entries must be non-empty strings`);
    }
    if (noSlash && s.includes('/')) {
      throw new ArgsError([...path, i], "resource group name can't contain '/'", 'e.g. example.com');
    }
    return s;
  });
}

/** Validates pluginConfig args and applies upstream's defaults. */
function parseArgs(args: Record<string, unknown>): NodeResourcesFitArgs {
  const a = expectMap(args ?? {}, [], 'NodeResourcesFit args');
  rejectUnknownKeys(a, ['ignoredResources', 'ignoredResourceGroups', 'scoringStrategy'], []);
  const out: NodeResourcesFitArgs = {
    ignoredResources:
      a.ignoredResources === undefined
        ? []
        : parseStringList(a.ignoredResources, ['ignoredResources'], 'ignoredResources', false),
    ignoredResourceGroups:
      a.ignoredResourceGroups === undefined
        ? []
        : parseStringList(a.ignoredResourceGroups, ['ignoredResourceGroups'], 'ignoredResourceGroups', true),
    scoringStrategy: { type: 'LeastAllocated', resources: defaultResourceSpecs() },
  };
  if (a.scoringStrategy === undefined) return out;
  const sp: Path = ['scoringStrategy'];
  const s = expectMap(a.scoringStrategy, sp, 'scoringStrategy');
  rejectUnknownKeys(s, ['type', 'resources', 'requestedToCapacityRatio'], sp);
  if (!STRATEGY_TYPES.includes(s.type as ScoringStrategyType)) {
    throw new ArgsError(
      [...sp, 'type'],
      `unsupported scoring strategy type ${JSON.stringify(s.type)}`,
      `use one of ${STRATEGY_TYPES.join(', ')}`,
    );
  }
  const type = s.type as ScoringStrategyType;
  let resources =
    s.resources === undefined ? [] : parseResourceSpecs(s.resources, [...sp, 'resources'], [1, 100]);
  if (resources.length === 0) resources = defaultResourceSpecs();
  const strategy: ScoringStrategy = { type, resources };
  if (s.requestedToCapacityRatio !== undefined) {
    const rp: Path = [...sp, 'requestedToCapacityRatio'];
    const r = expectMap(s.requestedToCapacityRatio, rp, 'requestedToCapacityRatio');
    rejectUnknownKeys(r, ['shape'], rp);
    strategy.requestedToCapacityRatio = { shape: parseShape(r.shape, [...rp, 'shape']) };
  } else if (type === 'RequestedToCapacityRatio') {
    throw new ArgsError(
      [...sp, 'requestedToCapacityRatio'],
      'scoring strategy RequestedToCapacityRatio needs requestedToCapacityRatio.shape',
      'e.g. shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]',
    );
  }
  out.scoringStrategy = strategy;
  return out;
}

// ------------------------------------------------------------------ shared helpers

/** "1.33" / "v1.36.2" → whether it is at least major.minor (numeric comparison). */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  if (m === null)
    throw new Error(`kubernetesVersion ${JSON.stringify(version)} is not a version like "1.33"`);
  const ma = Number(m[1]);
  const mi = Number(m[2]);
  return ma > major || (ma === major && mi >= minor);
}

/** Go int64 division (truncates toward zero), exact for integers below 2^53. */
export function intDiv(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  let q = Math.floor(x / y);
  // A double quotient can round across an integer; step back to the exact floor.
  if (q * y > x) q--;
  else if ((q + 1) * y <= x) q++;
  return a < 0 !== b < 0 && q !== 0 ? -q : q;
}

/** Go math.Round: half away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** In the *kubernetes.io/ namespace: unprefixed names and kubernetes.io/ prefixed ones. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Upstream v1helper.IsExtendedResourceName (without the quota-name syntax check). */
export function isExtendedResourceName(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

// How a resource of the args list is read from a NodeInfo.
const CPU = 0;
const MEMORY = 1;
const EPHEMERAL_STORAGE = 2;
const SCALAR = 3;
type Kind = typeof CPU | typeof MEMORY | typeof EPHEMERAL_STORAGE | typeof SCALAR;

function kindOf(name: string): Kind {
  switch (name) {
    case 'cpu':
      return CPU;
    case 'memory':
      return MEMORY;
    case 'ephemeral-storage':
      return EPHEMERAL_STORAGE;
    default:
      return SCALAR;
  }
}

/**
 * How the noderesources score plugins read a node (upstream resourceAllocationScorer): per
 * resource of the args list, the node's allocatable and its requested amount including the pod.
 * `useRequested` picks real requests for cpu/memory (BalancedAllocation) instead of the non-zero
 * ones (Fit). Scalar resources the pod doesn't request are left out (allocatable 0).
 */
export class ResourceReader {
  private readonly kinds: Kind[];
  /** Set by read(): allocatable and requested (node + pod) of the resource just read. */
  alloc = 0;
  req = 0;

  constructor(
    readonly resources: readonly ResourceSpec[],
    private readonly useRequested: boolean,
  ) {
    this.kinds = resources.map((r) => kindOf(r.name));
    this.isCpuMemory = this.kinds.length === 2 && this.kinds[0] === CPU && this.kinds[1] === MEMORY;
  }

  /** The list is exactly [cpu, memory] (the default): scorers may skip the per-resource dispatch. */
  readonly isCpuMemory: boolean;

  /** The pod's request for each resource of the list, in order. */
  podRequests(pod: Pod): number[] {
    const real = podRequestVector(pod);
    const nz = this.useRequested ? undefined : podNonZeroRequests(pod);
    return this.resources.map((r, i) => {
      switch (this.kinds[i]!) {
        case CPU:
          return nz === undefined ? real.cpu : nz.cpu;
        case MEMORY:
          return nz === undefined ? real.memory : nz.memory;
        case EPHEMERAL_STORAGE:
          return real.ephemeralStorage;
        default:
          return real.scalars?.get(r.name) ?? 0;
      }
    });
  }

  /** Reads resource i of nodeInfo into alloc/req (alloc 0: leave the resource out). */
  read(nodeInfo: NodeInfo, i: number, podRequest: number): void {
    switch (this.kinds[i]!) {
      case CPU:
        this.alloc = nodeInfo.allocatableCpu;
        this.req = (this.useRequested ? nodeInfo.requestedCpu : nodeInfo.nonZeroCpu) + podRequest;
        return;
      case MEMORY:
        this.alloc = nodeInfo.allocatableMemory;
        this.req = (this.useRequested ? nodeInfo.requestedMemory : nodeInfo.nonZeroMemory) + podRequest;
        return;
      case EPHEMERAL_STORAGE:
        this.alloc = nodeInfo.allocatableEphemeralStorage;
        this.req = nodeInfo.requestedEphemeralStorage + podRequest;
        return;
      default: {
        if (podRequest === 0) {
          this.alloc = 0;
          this.req = 0;
          return;
        }
        const name = this.resources[i]!.name;
        this.alloc = nodeInfo.allocatableScalars?.get(name) ?? 0;
        this.req = (nodeInfo.requestedScalars?.get(name) ?? 0) + podRequest;
      }
    }
  }
}

/** Per-cycle state holding the pod's request list for scoring. */
export class PodRequestsState implements StateData {
  constructor(readonly podRequests: readonly number[]) {}
  clone(): StateData {
    return this;
  }
}

// ------------------------------------------------------------------ broken linear

/**
 * Upstream helper.BuildBrokenLinearFunction evaluated at p: piece-wise linear through the points
 * (utilization increasing) with Go integer arithmetic; the first point's score below the first
 * utilization, the last point's score above the last one.
 */
export function brokenLinear(shape: readonly UtilizationShapePoint[], p: number): number {
  for (let i = 0; i < shape.length; i++) {
    const cur = shape[i]!;
    if (p <= cur.utilization) {
      if (i === 0) return cur.score;
      const prev = shape[i - 1]!;
      return (
        prev.score +
        intDiv((cur.score - prev.score) * (p - prev.utilization), cur.utilization - prev.utilization)
      );
    }
  }
  return shape[shape.length - 1]!.score;
}

// ------------------------------------------------------------------ plugin

/** Appends a reason, creating the list on the first one (a passing node allocates nothing). */
function withReason(reasons: string[] | undefined, reason: string): string[] {
  if (reasons === undefined) return [reason];
  reasons.push(reason);
  return reasons;
}

const FAIL_PODS = 1;
const FAIL_CPU = 2;
const FAIL_MEMORY = 4;
const FAIL_EPHEMERAL_STORAGE = 8;
const UNRESOLVABLE_BIT = 16;

/** The reasons for a set of failed figures, in upstream's order (pods, cpu, memory, storage). */
function reasonsOf(failed: number): string[] {
  const out: string[] = [];
  if (failed & FAIL_PODS) out.push(REASON_TOO_MANY_PODS);
  if (failed & FAIL_CPU) out.push(REASON_INSUFFICIENT_CPU);
  if (failed & FAIL_MEMORY) out.push(REASON_INSUFFICIENT_MEMORY);
  if (failed & FAIL_EPHEMERAL_STORAGE) out.push(REASON_INSUFFICIENT_EPHEMERAL_STORAGE);
  return out;
}

class PreFilterState implements StateData {
  constructor(readonly request: ResourceVector) {}
  clone(): StateData {
    return this;
  }
}

const LEAST = 0;
const MOST = 1;
const RATIO = 2;
type Strategy = typeof LEAST | typeof MOST | typeof RATIO;

export class NodeResourcesFit
  implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
{
  readonly name = NAME;
  private readonly reader: ResourceReader;
  private readonly strategy: Strategy;
  /** The RequestedToCapacityRatio shape with scores scaled to 0..100. */
  private readonly shape: UtilizationShapePoint[];
  private readonly ignoredResources: ReadonlySet<string>;
  private readonly ignoredGroups: ReadonlySet<string>;
  private readonly events: readonly ClusterEvent[];
  /** ≥ 1.34 (kubernetes#131345): a request above the node's allocatable is unresolvable. */
  private readonly unresolvableAboveAllocatable: boolean;

  constructor(
    readonly args: NodeResourcesFitArgs,
    handle: Handle,
  ) {
    const s = args.scoringStrategy;
    this.reader = new ResourceReader(s.resources, false);
    this.strategy = s.type === 'LeastAllocated' ? LEAST : s.type === 'MostAllocated' ? MOST : RATIO;
    const scale = MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE;
    this.shape = (s.requestedToCapacityRatio?.shape ?? []).map((pt) => ({
      utilization: pt.utilization,
      score: pt.score * scale,
    }));
    this.unresolvableAboveAllocatable = versionAtLeast(handle.kubernetesVersion, 1, 34);
    this.ignoredResources = new Set(args.ignoredResources);
    this.ignoredGroups = new Set(args.ignoredResourceGroups);
    // A pod delete frees resources; with InPlacePodVerticalScaling (on by default since 1.33) so
    // does a scale-down. A node add or allocatable change may make room.
    this.events = [
      {
        resource: 'Pod',
        actions: versionAtLeast(handle.kubernetesVersion, 1, 33) ? ['Delete', 'Update'] : ['Delete'],
      },
      { resource: 'Node', actions: ['Add', 'Update'] },
    ];
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return this.events;
  }

  preFilter(
    state: CycleState,
    pod: Pod,
    _nodes: readonly NodeInfo[],
  ): { result?: PreFilterResult; status: Status } {
    state.write(PRE_FILTER_KEY, new PreFilterState(podRequestVector(pod)));
    return { status: Status.SUCCESS };
  }

  // The cycle state last read and its request: Filter runs for hundreds of nodes per cycle.
  private filterState: CycleState | undefined;
  private filterRequest: ResourceVector | undefined;

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    let r = this.filterRequest;
    if (state !== this.filterState || r === undefined) {
      r = state.read<PreFilterState>(PRE_FILTER_KEY)?.request ?? podRequestVector(pod);
      this.filterState = state;
      this.filterRequest = r;
    }
    // Failures are a bit set (pods, cpu, memory, ephemeral storage) until an extended resource
    // fails too: on a full cluster most nodes fail, and a string key per node cost more than the
    // check itself.
    let failed = 0;
    let unresolvable = false;
    if (nodeInfo.podCount + 1 > nodeInfo.allocatablePods) failed = FAIL_PODS;
    if (r.cpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalars === undefined) {
      return failed === 0 ? Status.SUCCESS : this.rejection(failed, false);
    }
    const ac = nodeInfo.allocatableCpu;
    if (r.cpu > 0 && r.cpu > ac - nodeInfo.requestedCpu) {
      failed |= FAIL_CPU;
      if (r.cpu > ac) unresolvable = true;
    }
    const am = nodeInfo.allocatableMemory;
    if (r.memory > 0 && r.memory > am - nodeInfo.requestedMemory) {
      failed |= FAIL_MEMORY;
      if (r.memory > am) unresolvable = true;
    }
    const ae = nodeInfo.allocatableEphemeralStorage;
    if (r.ephemeralStorage > 0 && r.ephemeralStorage > ae - nodeInfo.requestedEphemeralStorage) {
      failed |= FAIL_EPHEMERAL_STORAGE;
      if (r.ephemeralStorage > ae) unresolvable = true;
    }
    let scalarReasons: string[] | undefined;
    if (r.scalars !== undefined) {
      for (const [name, want] of r.scalars) {
        if (want === 0 || this.ignored(name)) continue;
        const alloc = nodeInfo.allocatableScalars?.get(name) ?? 0;
        if (want > alloc - (nodeInfo.requestedScalars?.get(name) ?? 0)) {
          scalarReasons = withReason(scalarReasons, `Insufficient ${name}`);
          if (want > alloc) unresolvable = true;
        }
      }
    }
    if (scalarReasons === undefined)
      return failed === 0 ? Status.SUCCESS : this.rejection(failed, unresolvable);
    const reasons = [...reasonsOf(failed), ...scalarReasons];
    const code =
      unresolvable && this.unresolvableAboveAllocatable ? 'UnschedulableAndUnresolvable' : 'Unschedulable';
    // On a full cluster most nodes fail for the same reasons: share one Status per combination.
    const key = `${code}|${reasons.join('|')}`;
    let status = this.rejections.get(key);
    if (status === undefined) {
      status = new Status(code, reasons, NAME);
      this.rejections.set(key, status);
    }
    return status;
  }

  /** The shared Status for a combination of failed figures (no extended resource among them). */
  private rejection(failed: number, unresolvable: boolean): Status {
    const hard = unresolvable && this.unresolvableAboveAllocatable;
    const slot = failed | (hard ? UNRESOLVABLE_BIT : 0);
    let status = this.rejectionsByBits[slot];
    if (status === undefined) {
      status = new Status(hard ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasonsOf(failed), NAME);
      this.rejectionsByBits[slot] = status;
    }
    return status;
  }

  private readonly rejectionsByBits: (Status | undefined)[] = [];
  private readonly rejections = new Map<string, Status>();

  private ignored(name: string): boolean {
    if (this.ignoredResources.size === 0 && this.ignoredGroups.size === 0) return false;
    if (!isExtendedResourceName(name)) return false;
    return this.ignoredResources.has(name) || this.ignoredGroups.has(name.slice(0, name.indexOf('/')));
  }

  preScore(state: CycleState, pod: Pod, _nodes: readonly NodeInfo[]): Status {
    state.write(PRE_SCORE_KEY, new PodRequestsState(this.reader.podRequests(pod)));
    return Status.SUCCESS;
  }

  // The cycle state last scored and the pod's requests: Score runs for hundreds of nodes a cycle.
  private scoreState: CycleState | undefined;
  private scoreRequests: readonly number[] | undefined;

  /**
   * Every node in one call (the framework's batch path); same scores as score() per node. With
   * the default [cpu, memory] list and LeastAllocated or MostAllocated it computes score()'s
   * arithmetic inline, without the per-resource dispatch (it runs for ~500 nodes per cycle).
   */
  scoreNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], out: NodeScore[]): undefined {
    const reader = this.reader;
    if (!reader.isCpuMemory || this.strategy === RATIO) {
      for (let i = 0; i < nodes.length; i++) out[i]!.score = this.score(state, pod, nodes[i]!);
      return undefined;
    }
    const podRequests = this.requestsFor(state, pod);
    const pc = podRequests[0]!;
    const pm = podRequests[1]!;
    const wc = reader.resources[0]!.weight;
    const wm = reader.resources[1]!.weight;
    const least = this.strategy === LEAST;
    for (let i = 0; i < nodes.length; i++) {
      const ni = nodes[i]!;
      let nodeScore = 0;
      let weightSum = 0;
      const ac = ni.allocatableCpu;
      if (ac !== 0) {
        const rc = ni.nonZeroCpu + pc;
        const s = least
          ? rc > ac
            ? 0
            : intDiv((ac - rc) * MAX_NODE_SCORE, ac)
          : intDiv(Math.min(rc, ac) * MAX_NODE_SCORE, ac);
        nodeScore += s * wc;
        weightSum += wc;
      }
      const am = ni.allocatableMemory;
      if (am !== 0) {
        const rm = ni.nonZeroMemory + pm;
        const s = least
          ? rm > am
            ? 0
            : intDiv((am - rm) * MAX_NODE_SCORE, am)
          : intDiv(Math.min(rm, am) * MAX_NODE_SCORE, am);
        nodeScore += s * wm;
        weightSum += wm;
      }
      out[i]!.score = weightSum === 0 ? 0 : intDiv(nodeScore, weightSum);
    }
    return undefined;
  }

  /** The pod's requests in resource-list order, from PreScore's state (cached per cycle). */
  private requestsFor(state: CycleState, pod: Pod): readonly number[] {
    let podRequests = this.scoreRequests;
    if (state !== this.scoreState || podRequests === undefined) {
      podRequests = state.read<PodRequestsState>(PRE_SCORE_KEY)?.podRequests ?? this.reader.podRequests(pod);
      this.scoreState = state;
      this.scoreRequests = podRequests;
    }
    return podRequests;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const podRequests = this.requestsFor(state, pod);
    const reader = this.reader;
    const resources = reader.resources;
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      reader.read(nodeInfo, i, podRequests[i]!);
      const alloc = reader.alloc;
      if (alloc === 0) continue;
      const req = reader.req;
      const weight = resources[i]!.weight;
      switch (this.strategy) {
        case LEAST: {
          const s = req > alloc ? 0 : intDiv((alloc - req) * MAX_NODE_SCORE, alloc);
          nodeScore += s * weight;
          weightSum += weight;
          break;
        }
        case MOST: {
          // Over capacity (possible with the non-zero defaults) counts as full since v1.22.
          const s = intDiv(Math.min(req, alloc) * MAX_NODE_SCORE, alloc);
          nodeScore += s * weight;
          weightSum += weight;
          break;
        }
        case RATIO: {
          const u = req > alloc ? MAX_UTILIZATION : intDiv(req * MAX_UTILIZATION, alloc);
          const s = brokenLinear(this.shape, u);
          // Upstream quirk: resources scoring 0 are left out of both sums.
          if (s > 0) {
            nodeScore += s * weight;
            weightSum += weight;
          }
          break;
        }
      }
    }
    if (weightSum === 0) return 0;
    return this.strategy === RATIO
      ? roundHalfAwayFromZero(nodeScore / weightSum)
      : intDiv(nodeScore, weightSum);
  }
}

export function newNodeResourcesFit(args: Record<string, unknown>, handle: Handle): Plugin {
  return new NodeResourcesFit(parseArgs(args), handle);
}
