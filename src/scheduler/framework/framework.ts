// One scheduling profile at run time (upstream frameworkImpl): the plugins of every extension
// point in order, score weights, and the Run*Plugins methods the scheduling cycle calls. The cycle
// (kube-scheduler.ts) knows no plugin; this file knows plugins only through the interfaces.

import type { Pod } from '../../api/types.js';
import type { ExtensionPoint } from '../config/types.js';
import { CycleState } from './cycle-state.js';
import type {
  BindPlugin,
  FilterPlugin,
  NodeScore,
  NodeToStatus,
  PermitPlugin,
  Plugin,
  PodNominator,
  PostBindPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  ScorePlugin,
} from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import { Status } from './status.js';

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export { EXTENSION_POINTS, type ExtensionPoint } from '../config/types.js';

const METHOD: Record<ExtensionPoint, string> = {
  preEnqueue: 'preEnqueue',
  queueSort: 'less',
  preFilter: 'preFilter',
  filter: 'filter',
  postFilter: 'postFilter',
  preScore: 'preScore',
  score: 'score',
  reserve: 'reserve',
  permit: 'permit',
  preBind: 'preBind',
  bind: 'bind',
  postBind: 'postBind',
};

/** Whether a plugin object implements an extension point (it has the point's method). */
export function implementsPoint(plugin: Plugin, point: ExtensionPoint): boolean {
  return typeof (plugin as unknown as Record<string, unknown>)[METHOD[point]] === 'function';
}

/** One plugin's contribution to one node's score (for decision records). */
export interface PluginScore {
  plugin: string;
  raw: number;
  normalized: number;
  weight: number;
  weighted: number;
}

export interface NodeScores {
  name: string;
  total: number;
  scores: PluginScore[];
}

export interface ProfilePlugins {
  /** Plugin names per extension point, in run order. */
  points: Record<ExtensionPoint, readonly string[]>;
  scoreWeights: Record<string, number>;
}

export class Framework {
  readonly preEnqueuePlugins: PreEnqueuePlugin[];
  readonly queueSortPlugin: QueueSortPlugin;
  readonly preFilterPlugins: PreFilterPlugin[];
  readonly filterPlugins: FilterPlugin[];
  readonly postFilterPlugins: PostFilterPlugin[];
  readonly preScorePlugins: PreScorePlugin[];
  readonly scorePlugins: { plugin: ScorePlugin; weight: number }[];
  readonly reservePlugins: ReservePlugin[];
  readonly permitPlugins: PermitPlugin[];
  readonly preBindPlugins: PreBindPlugin[];
  readonly bindPlugins: BindPlugin[];
  readonly postBindPlugins: PostBindPlugin[];

  constructor(
    readonly profileName: string,
    readonly plugins: ReadonlyMap<string, Plugin>,
    layout: ProfilePlugins,
    readonly percentageOfNodesToScore: number | undefined,
  ) {
    const pick = <T>(point: ExtensionPoint): T[] =>
      layout.points[point].map((name) => {
        const p = plugins.get(name);
        if (p === undefined) throw new Error(`profile ${profileName}: plugin ${name} is not instantiated`);
        if (!implementsPoint(p, point))
          throw new Error(`profile ${profileName}: plugin ${name} does not implement ${point}`);
        return p as T;
      });
    this.preEnqueuePlugins = pick('preEnqueue');
    const sorts = pick<QueueSortPlugin>('queueSort');
    if (sorts.length !== 1)
      throw new Error(
        `profile ${profileName}: exactly one queueSort plugin is required, got ${sorts.length}`,
      );
    this.queueSortPlugin = sorts[0]!;
    this.preFilterPlugins = pick('preFilter');
    this.filterPlugins = pick('filter');
    this.postFilterPlugins = pick('postFilter');
    this.preScorePlugins = pick('preScore');
    this.scorePlugins = pick<ScorePlugin>('score').map((plugin) => ({
      plugin,
      weight: layout.scoreWeights[plugin.name] ?? 1,
    }));
    this.reservePlugins = pick('reserve');
    this.permitPlugins = pick('permit');
    this.preBindPlugins = pick('preBind');
    this.bindPlugins = pick('bind');
    if (this.bindPlugins.length === 0)
      throw new Error(`profile ${profileName}: at least one bind plugin is required`);
    this.postBindPlugins = pick('postBind');
  }

  get hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }

  get hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }

  runPreEnqueuePlugins(pod: Pod): Status {
    for (const p of this.preEnqueuePlugins) {
      const s = p.preEnqueue(pod);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Runs every PreFilter plugin; their node-name results are intersected. Returns the plugins
   * that rejected (for the queue's event filtering) with a rejection.
   */
  runPreFilterPlugins(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
  ): { result: PreFilterResult | undefined; status: Status; rejectors: string[] } {
    let result: PreFilterResult | undefined;
    const narrowing: string[] = [];
    for (const p of this.preFilterPlugins) {
      const { result: r, status } = p.preFilter(state, pod, nodes);
      if (status.isSkip()) {
        state.skipFilterPlugins.add(p.name);
        state.activeFilters = undefined;
        continue;
      }
      if (!status.isSuccess())
        return { result: undefined, status: status.withPlugin(p.name), rejectors: [p.name] };
      if (r?.nodeNames !== undefined) {
        narrowing.push(p.name);
        if (result?.nodeNames === undefined) result = { nodeNames: r.nodeNames };
        else result = { nodeNames: new Set([...result.nodeNames].filter((n) => r.nodeNames!.has(n))) };
        if (result.nodeNames!.size === 0) {
          const msg =
            narrowing.length === 1
              ? `node(s) didn't satisfy plugin ${narrowing[0]}`
              : `node(s) didn't satisfy plugin(s) [${[...narrowing].sort().join(' ')}] simultaneously`;
          const s = Status.unresolvable(msg);
          return { result: undefined, status: s.withPlugin(p.name), rejectors: narrowing };
        }
      }
    }
    return { result, status: Status.SUCCESS, rejectors: narrowing };
  }

  /** Filter plugins in order; the first that does not pass decides (upstream RunFilterPlugins). */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    let active = state.activeFilters as FilterPlugin[] | undefined;
    if (active === undefined) {
      const skip = state.skipFilterPlugins;
      active = skip.size === 0 ? this.filterPlugins : this.filterPlugins.filter((p) => !skip.has(p.name));
      state.activeFilters = active;
    }
    for (let i = 0; i < active.length; i++) {
      const p = active[i]!;
      const s = p.filter(state, pod, nodeInfo);
      if (s.code !== 'Success') return s.plugin === p.name ? s : s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Filters a node twice when it has nominated pods of equal or higher priority: once as if they
   * ran there, and (if that passes) once without them, so the decision holds either way
   * (upstream RunFilterPluginsWithNominatedPods).
   */
  runFilterPluginsWithNominatedPods(
    state: CycleState,
    pod: Pod,
    nodeInfo: NodeInfo,
    nominator: PodNominator,
  ): Status {
    const nominated = nominator.nominatedPodsForNode(nodeInfo.name);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    const priority = pod.spec.priority ?? 0;
    const uid = pod.metadata.uid;
    let added: { state: CycleState; nodeInfo: NodeInfo } | undefined;
    for (const np of nominated) {
      if (np.metadata.uid === uid || (np.spec.priority ?? 0) < priority) continue;
      if (added === undefined) added = { state: state.clone(), nodeInfo: nodeInfo.clone() };
      added.nodeInfo.addPod(np);
      const s = this.runPreFilterExtensionAddPod(added.state, pod, np, added.nodeInfo);
      if (!s.isSuccess()) return s;
    }
    if (added === undefined) return this.runFilterPlugins(state, pod, nodeInfo);
    const first = this.runFilterPlugins(added.state, pod, added.nodeInfo);
    if (!first.isSuccess()) return first;
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  runPreFilterExtensionAddPod(
    state: CycleState,
    podToSchedule: Pod,
    podToAdd: Pod,
    nodeInfo: NodeInfo,
  ): Status {
    for (const p of this.preFilterPlugins) {
      if (p.addPod === undefined || state.skipFilterPlugins.has(p.name)) continue;
      const s = p.addPod(state, podToSchedule, podToAdd, nodeInfo);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  runPreFilterExtensionRemovePod(
    state: CycleState,
    podToSchedule: Pod,
    podToRemove: Pod,
    nodeInfo: NodeInfo,
  ): Status {
    for (const p of this.preFilterPlugins) {
      if (p.removePod === undefined || state.skipFilterPlugins.has(p.name)) continue;
      const s = p.removePod(state, podToSchedule, podToRemove, nodeInfo);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * PostFilter plugins until one succeeds (e.g. preemption nominated a node); otherwise
   * Unschedulable with every plugin's reasons, attributed to the first that failed.
   */
  runPostFilterPlugins(
    state: CycleState,
    pod: Pod,
    statuses: NodeToStatus,
  ): { result?: PostFilterResult; status: Status } {
    let result: PostFilterResult | undefined;
    const reasons: string[] = [];
    let rejector = '';
    for (const p of this.postFilterPlugins) {
      const out = p.postFilter(state, pod, statuses);
      if (out.status.isSuccess()) return out;
      if (out.status.code === 'UnschedulableAndUnresolvable')
        return { ...out, status: out.status.withPlugin(p.name) };
      if (!out.status.isRejected()) return { status: new Status('Error', out.status.reasons, p.name) };
      if (out.result !== undefined) result = out.result;
      reasons.push(...out.status.reasons);
      if (rejector === '') rejector = p.name;
    }
    const status = new Status('Unschedulable', reasons, rejector);
    return result === undefined ? { status } : { result, status };
  }

  runPreScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (s.isSkip()) {
        state.skipScorePlugins.add(p.name);
        continue;
      }
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Score, NormalizeScore and weights for every node. With `details`, each node carries each
   * plugin's raw, normalized and weighted score (kubesim explain); otherwise only totals.
   */
  runScorePlugins(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
    details: boolean,
  ): NodeScores[] | Status {
    const n = nodes.length;
    // Without details the result is only read by selectHost before the next cycle, so the arrays
    // and records are reused from cycle to cycle instead of allocating ~2 objects per node.
    const out: NodeScores[] = details ? new Array(n) : this.totalsBuffer(n);
    const scores: NodeScore[] = this.scoreBuffer(n);
    for (let i = 0; i < n; i++) {
      const name = nodes[i]!.name;
      if (details) out[i] = { name, total: 0, scores: [] };
      else {
        const o = out[i]!;
        o.name = name;
        o.total = 0;
      }
      const sc = scores[i]!;
      sc.name = name;
      sc.score = 0;
    }
    const raw = details ? new Array<number>(n) : undefined;
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScorePlugins.size > 0 && state.skipScorePlugins.has(plugin.name)) continue;
      if (plugin.scoreNodes !== undefined) {
        const s = plugin.scoreNodes(state, pod, nodes, scores);
        if (s !== undefined) return s.withPlugin(plugin.name);
        if (raw !== undefined) for (let i = 0; i < n; i++) raw[i] = scores[i]!.score;
      } else {
        for (let i = 0; i < n; i++) {
          const s = plugin.score(state, pod, nodes[i]!);
          if (typeof s !== 'number') return s.withPlugin(plugin.name);
          scores[i]!.score = s;
          if (raw !== undefined) raw[i] = s;
        }
      }
      if (plugin.normalizeScore !== undefined) {
        const s = plugin.normalizeScore(state, pod, scores);
        if (!s.isSuccess()) return s.withPlugin(plugin.name);
      }
      for (let i = 0; i < n; i++) {
        const normalized = scores[i]!.score;
        if (normalized > MAX_NODE_SCORE || normalized < MIN_NODE_SCORE) {
          return Status.error(
            `plugin "${plugin.name}" returns an invalid score ${normalized}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`,
          ).withPlugin(plugin.name);
        }
        const weighted = normalized * weight;
        out[i]!.total += weighted;
        if (raw !== undefined)
          out[i]!.scores.push({ plugin: plugin.name, raw: raw[i]!, normalized, weight, weighted });
      }
    }
    return out;
  }

  private totals: NodeScores[] = [];
  private nodeScores: NodeScore[] = [];

  private totalsBuffer(n: number): NodeScores[] {
    while (this.totals.length < n) this.totals.push({ name: '', total: 0, scores: [] });
    this.totals.length = n;
    return this.totals;
  }

  private scoreBuffer(n: number): NodeScore[] {
    while (this.nodeScores.length < n) this.nodeScores.push({ name: '', score: 0 });
    this.nodeScores.length = n;
    return this.nodeScores;
  }

  runReservePlugins(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const p of this.reservePlugins) {
      const s = p.reserve(state, pod, nodeName);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /** Unreserve runs in reverse order, on every reserve plugin. */
  runUnreservePlugins(state: CycleState, pod: Pod, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--)
      this.reservePlugins[i]!.unreserve(state, pod, nodeName);
  }

  /** Success, a rejection, or Wait with the shortest timeout requested. */
  runPermitPlugins(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs: number } {
    let wait: number | undefined;
    for (const p of this.permitPlugins) {
      const { status, timeoutMs } = p.permit(state, pod, nodeName);
      if (status.code === 'Wait') {
        const t = Math.min(timeoutMs ?? 0, 15 * 60_000);
        wait = wait === undefined ? t : Math.min(wait, t);
        continue;
      }
      if (!status.isSuccess()) return { status: status.withPlugin(p.name), timeoutMs: 0 };
    }
    return wait === undefined
      ? { status: Status.SUCCESS, timeoutMs: 0 }
      : { status: new Status('Wait'), timeoutMs: wait };
  }

  runPreBindPlugins(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const p of this.preBindPlugins) {
      const s = p.preBind(state, pod, nodeName);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /** Bind plugins in order until one does not Skip. */
  runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const p of this.bindPlugins) {
      const s = p.bind(state, pod, nodeName);
      if (s.isSkip()) continue;
      return s.isSuccess() ? s : s.withPlugin(p.name);
    }
    return Status.SKIP;
  }

  runPostBindPlugins(state: CycleState, pod: Pod, nodeName: string): void {
    for (const p of this.postBindPlugins) p.postBind(state, pod, nodeName);
  }

  newCycleState(): CycleState {
    return new CycleState();
  }
}
