// The framework side of an offer round: a Marathon-like scheduler matching its launch queue
// against the offers it received (upstream Marathon OfferMatcherManager / InstanceOpFactory and
// TaskLauncherImpl). Offers are taken one at a time; on each, queued tasks are launched in queue
// order while they fit in what is left of the offer, fit the agent's pod limit and meet their
// app's constraints, up to max_instances_per_offer. An offer used for at least one launch is
// accepted (its remainder goes back with refuse_seconds 0, "so we get the same offer in the next
// allocator cycle"); an offer nothing fits is declined with the decline filter. Pure: the
// scheduler binds the launches and installs the filters.

import type { Pod } from '../../../api/types.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { type Constraint, describeConstraint, fieldValue, meetsConstraint } from './constraints.js';
import { contains, copy, type Resources, shortfall, subtract } from './resources.js';

export interface Offer {
  id: number;
  framework: string;
  agent: string;
  resources: Resources;
}

export interface Task {
  pod: Pod;
  /** The app (workload) whose placed tasks its constraints count. */
  app: string;
  demand: Resources;
  constraints: readonly Constraint[];
}

export interface MatchEnv {
  node(name: string): NodeInfo | undefined;
  /** Nodes of the app's placed tasks, one entry per task. */
  placedNodes(app: string): readonly string[];
  maxTasksPerOffer: number;
}

export interface Launch<T extends Task = Task> {
  task: T;
  offer: Offer;
}

export interface Rejection {
  agent: string;
  reason: string;
}

export interface MatchResult<T extends Task = Task> {
  launches: Launch<T>[];
  /** Offers with no launch: declined with the refuse filter. */
  declined: Offer[];
  /** Offers with launches: accepted, the remainder recovered unfiltered. */
  accepted: Offer[];
  /**
   * Why each task was not launched on the offers it was tried on, by pod uid: every offer for a
   * task that stayed queued, the offers before its launch for one that launched.
   */
  rejections: Map<string, Rejection[]>;
}

export const REASON_OFFER_EXHAUSTED = 'offer used up (max_instances_per_offer)';
export const REASON_TOO_MANY_PODS = 'Too many pods';

export function matchOffers<T extends Task>(
  offers: readonly Offer[],
  tasks: readonly T[],
  env: MatchEnv,
): MatchResult<T> {
  const result: MatchResult<T> = { launches: [], declined: [], accepted: [], rejections: new Map() };
  const launched = new Set<string>();
  /** Placements made in this round, by app: Marathon counts them for the next instance. */
  const extra = new Map<string, string[]>();
  const reject = (task: Task, agent: string, reason: string) => {
    const uid = task.pod.metadata.uid!;
    let list = result.rejections.get(uid);
    if (list === undefined) {
      list = [];
      result.rejections.set(uid, list);
    }
    list.push({ agent, reason });
  };
  for (const offer of offers) {
    const node = env.node(offer.agent);
    const left = copy(offer.resources);
    let count = 0;
    let podsLeft = node === undefined ? 0 : node.allocatablePods - node.podCount;
    for (const task of tasks) {
      const uid = task.pod.metadata.uid!;
      if (launched.has(uid)) continue;
      if (node === undefined) {
        reject(task, offer.agent, 'agent removed');
        continue;
      }
      if (count >= env.maxTasksPerOffer) {
        reject(task, offer.agent, REASON_OFFER_EXHAUSTED);
        continue;
      }
      const reason = whyNot(
        task,
        node,
        left,
        podsLeft,
        () => [...env.placedNodes(task.app), ...(extra.get(task.app) ?? [])],
        env,
      );
      if (reason !== undefined) {
        reject(task, offer.agent, reason);
        continue;
      }
      subtract(left, task.demand);
      podsLeft--;
      count++;
      launched.add(uid);
      result.launches.push({ task, offer });
      let mine = extra.get(task.app);
      if (mine === undefined) {
        mine = [];
        extra.set(task.app, mine);
      }
      mine.push(offer.agent);
    }
    (count > 0 ? result.accepted : result.declined).push(offer);
  }
  return result;
}

/** Why the task cannot launch on what is left of the offer, or undefined if it can. */
function whyNot(
  task: Task,
  node: NodeInfo,
  left: Resources,
  podsLeft: number,
  placed: () => readonly string[],
  env: MatchEnv,
): string | undefined {
  if (podsLeft <= 0) return REASON_TOO_MANY_PODS;
  if (!contains(left, task.demand)) {
    return shortfall(left, task.demand)
      .map((r) => `Insufficient ${r}`)
      .join(', ');
  }
  if (task.constraints.length === 0) return undefined;
  const nodes = placed();
  for (const c of task.constraints) {
    const placedValues = nodes.map((name) => {
      const n = env.node(name);
      return n === undefined ? undefined : fieldValue(n.node, c.field);
    });
    if (!meetsConstraint(c, fieldValue(node.node, c.field), placedValues)) {
      return `constraint ${describeConstraint(c)} not met`;
    }
  }
  return undefined;
}
