// Executes the scenario timeline: each action runs at its time as the user (actor "timeline")
// would run kubectl or a cloud console. An action whose target is missing at run time is skipped
// with a warning that points at the action in the scenario file. Node targets given as a selector
// are resolved each time the action runs (sim/selection.ts), on the stream
// `timeline/<index>`; an action with `repeat` runs again every `everyMs`, re-resolving its targets.

import { extend } from '../api/extend.js';
import { validateLabels } from '../api/labels.js';
import { normalizeManifest } from '../api/manifest.js';
import type {
  Container,
  DaemonSet,
  Deployment,
  KubeObject,
  Node,
  Pod,
  PodSpec,
  PodTemplateSpec,
  StatefulSet,
  Taint,
} from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Client } from '../store/client.js';
import { ApiError } from '../store/errors.js';
import type { Drain, DrainOptions } from './drain.js';
import { applyMergePatch } from './merge-patch.js';
import { rollbackDeployment, rollbackWithRevisions } from './rollback.js';
import { describeNodeRef, describeSelection, selectNames } from './selection.js';
import type {
  LabelChanges,
  NodeRef,
  ObjectTarget,
  SourceRef,
  TimelineAction,
  UpgradeOptions,
} from './spec.js';

/** The label that puts a node in a zone (failZone / recoverZone). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface TimelineEnv {
  engine: Engine;
  client: Client;
  /** Creates a node (object and kubelet). */
  addNode(node: KubeObject): void;
  addPoolNodes(pool: string, count: number): void;
  failNode(name: string): boolean;
  recoverNode(name: string): boolean;
  /** Cuts the node off from the control plane (its containers keep running). */
  partitionNode(name: string): boolean;
  /** Restores the node's connectivity. */
  healNode(name: string): boolean;
  /** Removes the Node object (the instance is gone). */
  removeNode(name: string): boolean;
  /** Starts `kubectl drain` of the node; undefined if there is no such node. */
  drainNode(name: string, options: DrainOptions): Drain | undefined;
  /** Crashes the containers of a running pod (a non-zero exit); false if they are not running. */
  killPod(pod: Pod): boolean;
  /** Starts a rolling node upgrade of these nodes (sim/node-upgrade.ts). */
  upgradeNodes(names: readonly string[], options: UpgradeOptions, source?: SourceRef): void;
  warn(message: string, source?: SourceRef): void;
}

/** Schedules every action (and its repetitions); `index` defaults to the position in the list. */
export function scheduleTimeline(actions: readonly TimelineAction[], env: TimelineEnv): void {
  const runner = new TimelineRunner(env);
  actions.forEach((action, position) => {
    const index = action.index ?? position;
    let runs = 0;
    const run = () => {
      runs++;
      runner.run(action, index);
      const repeat = action.repeat;
      if (repeat !== undefined && (repeat.times === undefined || runs < repeat.times))
        env.engine.after(repeat.everyMs, run);
    };
    env.engine.at(action.at, run);
  });
}

function describe(t: ObjectTarget): string {
  return `${t.kind.toLowerCase()}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}

/** Runs actions; holds what later actions need from earlier ones (the nodes each zone failure took down). */
export class TimelineRunner {
  /** Zone to the nodes its failZone failed, for the matching recoverZone. */
  private readonly failedZones = new Map<string, string[]>();

  constructor(private readonly env: TimelineEnv) {}

  run(action: TimelineAction, index: number): void {
    try {
      this.dispatch(action, index);
    } catch (e) {
      if (e instanceof ApiError) {
        this.env.warn(`${action.action}: ${e.message}`, action.source);
        return;
      }
      throw e;
    }
  }

  private missing(action: TimelineAction, what: string): void {
    this.env.warn(`${action.action}: ${what} not found; action skipped`, action.source);
  }

  /**
   * The names of the nodes a node action applies to now: the named node if it exists, or the
   * selection. Warns (and returns none) when nothing matches.
   */
  private nodesOf(action: TimelineAction & NodeRef, index: number): string[] {
    const { client, engine } = this.env;
    if (action.node !== undefined) {
      if (client.get('Node', undefined, action.node) !== undefined) return [action.node];
      this.missing(action, `node/${action.node}`);
      return [];
    }
    const names = selectNames(
      client.list<Node>('Node'),
      action.nodes,
      engine.random.stream(`timeline/${index}`),
    );
    if (names.length === 0) this.missing(action, describeNodeRef(action));
    return names;
  }

  /** Runs `change` on each target node in turn; an API error on one node is reported and skips only it. */
  private eachNode(action: TimelineAction & NodeRef, index: number, change: (name: string) => void): void {
    for (const name of this.nodesOf(action, index)) {
      try {
        change(name);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        this.env.warn(`${action.action}: node/${name}: ${e.message}`, action.source);
      }
    }
  }

  /** Reads a node and writes the result of `edit` (unless it returns undefined: nothing to do). */
  private updateNode(name: string, edit: (node: Node) => Node | undefined): void {
    const node = this.env.client.get<Node>('Node', undefined, name);
    if (node === undefined) return;
    const updated = edit(node);
    if (updated !== undefined) this.env.client.update<Node>(updated);
  }

  private dispatch(action: TimelineAction, index: number): void {
    const { env } = this;
    const { client } = env;
    const missing = (what: string) => this.missing(action, what);
    switch (action.action) {
      case 'apply': {
        const obj = action.object;
        if (obj.kind === 'Node') {
          if (client.get('Node', undefined, obj.metadata.name) === undefined) env.addNode(obj);
          else client.update(obj);
          return;
        }
        const existing = client.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
        if (existing === undefined) client.create(obj);
        else
          client.update({
            ...obj,
            metadata: { ...obj.metadata, resourceVersion: existing.metadata.resourceVersion },
          });
        return;
      }
      case 'delete': {
        const t = action.target;
        if (t.kind === 'Node') {
          if (!env.removeNode(t.name)) missing(describe(t));
          return;
        }
        if (client.get(t.kind, t.namespace, t.name) === undefined) {
          missing(describe(t));
          return;
        }
        client.delete(t.kind, t.namespace, t.name);
        return;
      }
      case 'forceDelete': {
        const t = action.target;
        if (client.get(t.kind, t.namespace, t.name) === undefined) {
          missing(describe(t));
          return;
        }
        client.delete(t.kind, t.namespace, t.name, { gracePeriodSeconds: 0 });
        return;
      }
      case 'scale': {
        const t = action.target;
        const obj = client.get<KubeObject & { spec: { replicas?: number } }>(t.kind, t.namespace, t.name);
        if (obj === undefined) {
          missing(describe(t));
          return;
        }
        client.update({ ...obj, spec: { ...obj.spec, replicas: action.replicas } });
        return;
      }
      case 'setImage': {
        const t = action.target;
        const obj = client.get<KubeObject & { spec: PodSpec | { template: PodTemplateSpec } }>(
          t.kind,
          t.namespace,
          t.name,
        );
        if (obj === undefined) {
          missing(describe(t));
          return;
        }
        const updated = withImage(obj, action.container, action.image);
        if (updated === undefined) {
          missing(`container "${action.container}" in ${describe(t)}`);
          return;
        }
        client.update(updated);
        return;
      }
      case 'patch': {
        const t = action.target;
        const live = client.get(t.kind, t.namespace, t.name);
        if (live === undefined) {
          missing(describe(t));
          return;
        }
        this.patch(action, live, action.patch);
        return;
      }
      case 'pauseRollout':
      case 'resumeRollout': {
        const t = action.target;
        const d = client.get<Deployment>('Deployment', t.namespace, t.name);
        if (d === undefined) {
          missing(describe(t));
          return;
        }
        // kubectl rollout pause/resume (polymorphichelpers ObjectPauser/ObjectResumer) refuse a
        // Deployment that is already in the requested state.
        const pause = action.action === 'pauseRollout';
        if ((d.spec.paused ?? false) === pause) {
          env.warn(
            `${action.action}: ${describe(t)} is ${pause ? 'already paused' : 'not paused'}`,
            action.source,
          );
          return;
        }
        client.update<Deployment>({ ...d, spec: extend(d.spec, { paused: pause }) });
        return;
      }
      case 'label': {
        if (action.target !== undefined) {
          const t = action.target;
          const live = client.get(t.kind, t.namespace, t.name);
          if (live === undefined) {
            missing(describe(t));
            return;
          }
          const labels = withLabels(live.metadata.labels, action.labels);
          if (!this.labelsValid(action, describe(t), labels)) return;
          client.update({ ...live, metadata: { ...live.metadata, labels } });
          return;
        }
        this.eachNode(action, index, (name) =>
          this.updateNode(name, (node) => {
            const labels = withLabels(node.metadata.labels, action.labels);
            if (!this.labelsValid(action, `node/${name}`, labels)) return undefined;
            return { ...node, metadata: { ...node.metadata, labels } };
          }),
        );
        return;
      }
      case 'failNode':
        this.eachNode(action, index, (name) => {
          if (!env.failNode(name)) missing(`kubelet of node/${name}`);
        });
        return;
      case 'recoverNode':
        this.eachNode(action, index, (name) => {
          if (!env.recoverNode(name)) missing(`kubelet of node/${name}`);
        });
        return;
      case 'rebootNode':
        this.eachNode(action, index, (name) => {
          if (!env.failNode(name)) {
            missing(`kubelet of node/${name}`);
            return;
          }
          env.engine.after(action.downtimeMs, () => {
            if (!env.recoverNode(name))
              env.warn(`rebootNode: node/${name} is gone; it does not come back`, action.source);
          });
        });
        return;
      case 'removeNode':
        this.eachNode(action, index, (name) => {
          env.removeNode(name);
        });
        return;
      case 'partitionNode':
        this.eachNode(action, index, (name) => {
          if (!env.partitionNode(name)) missing(`node/${name}`);
        });
        return;
      case 'healNode':
        this.eachNode(action, index, (name) => {
          if (!env.healNode(name)) missing(`node/${name}`);
        });
        return;
      case 'failZone': {
        const names = client
          .list<Node>('Node')
          .filter((n) => n.metadata.labels?.[ZONE_LABEL] === action.zone)
          .map((n) => n.metadata.name)
          .filter((name) => env.failNode(name));
        if (names.length === 0) {
          missing(`node in zone ${JSON.stringify(action.zone)}`);
          return;
        }
        // A second failZone of a failed zone adds the nodes that joined it meanwhile.
        this.failedZones.set(action.zone, [...(this.failedZones.get(action.zone) ?? []), ...names]);
        return;
      }
      case 'recoverZone': {
        const names = this.failedZones.get(action.zone);
        if (names === undefined) {
          env.warn(
            `recoverZone: zone ${JSON.stringify(action.zone)} was not failed by failZone; action skipped`,
            action.source,
          );
          return;
        }
        this.failedZones.delete(action.zone);
        for (const name of names) {
          if (!env.recoverNode(name))
            env.warn(`recoverZone: node/${name} is gone; it does not come back`, action.source);
        }
        return;
      }
      case 'addNodes':
        env.addPoolNodes(action.pool, action.count);
        return;
      case 'drain':
        this.eachNode(action, index, (name) => {
          env.drainNode(name, action.options);
        });
        return;
      case 'killPod': {
        const running = client
          .list<Pod>('Pod')
          .filter(
            (p) =>
              p.metadata.namespace === action.namespace &&
              p.status?.phase === 'Running' &&
              p.metadata.deletionTimestamp === undefined,
          );
        if (action.pod !== undefined) {
          const pod = running.find((p) => p.metadata.name === action.pod);
          if (pod === undefined || !env.killPod(pod))
            missing(`running pod/${action.namespace}/${action.pod}`);
          return;
        }
        const names = new Set(
          selectNames(running, action.pods, env.engine.random.stream(`timeline/${index}`)),
        );
        if (names.size === 0)
          missing(`running pods ${describeSelection(action.pods)} in namespace ${action.namespace}`);
        for (const pod of running) if (names.has(pod.metadata.name)) env.killPod(pod);
        return;
      }
      case 'upgradeNodes': {
        const names = this.nodesOf(action, index);
        if (names.length > 0) env.upgradeNodes(names, action.options, action.source);
        return;
      }
      case 'rollback': {
        const t = action.target;
        const obj = client.get<Deployment | StatefulSet | DaemonSet>(t.kind, t.namespace, t.name);
        if (obj === undefined) {
          missing(describe(t));
          return;
        }
        const refusal =
          obj.kind === 'Deployment'
            ? rollbackDeployment(client, obj, action.toRevision)
            : rollbackWithRevisions(client, obj, action.toRevision);
        if (refusal !== undefined) env.warn(`rollback: ${describe(t)}: ${refusal}`, action.source);
        return;
      }
      case 'cordon':
        this.eachNode(action, index, (name) =>
          this.updateNode(name, (node) =>
            node.spec?.unschedulable
              ? undefined
              : { ...node, spec: extend(node.spec, { unschedulable: true }) },
          ),
        );
        return;
      case 'uncordon':
        this.eachNode(action, index, (name) =>
          this.updateNode(name, (node) => {
            if (!node.spec?.unschedulable) return undefined;
            const { unschedulable: _, ...spec } = node.spec;
            return { ...node, spec };
          }),
        );
        return;
      case 'taint':
        this.eachNode(action, index, (name) =>
          this.updateNode(name, (node) => {
            // timeAdded is only written for NoExecute taints (core/v1 Taint), as the controllers do.
            const taint =
              action.taint.effect === 'NoExecute'
                ? { ...action.taint, timeAdded: env.engine.now }
                : action.taint;
            const taints = withTaint(node.spec?.taints ?? [], taint);
            return { ...node, spec: extend(node.spec, { taints }) };
          }),
        );
        return;
      case 'untaint':
        this.eachNode(action, index, (name) =>
          this.updateNode(name, (node) => {
            const before = node.spec?.taints ?? [];
            const matches = (t: Taint) =>
              t.key === action.key && (action.effect === undefined || t.effect === action.effect);
            const taints = before.filter((t) => !matches(t));
            if (taints.length === before.length) {
              // kubectl taint NODE key- : "taint "key" not found".
              const shown = action.effect === undefined ? action.key : `${action.key}:${action.effect}`;
              env.warn(`untaint: node/${name} has no taint ${JSON.stringify(shown)}`, action.source);
              return undefined;
            }
            return { ...node, spec: { ...node.spec, taints } };
          }),
        );
        return;
    }
  }

  /** kubectl patch --type merge: merge into the live object, check it as an update, write it. */
  private patch(action: TimelineAction, live: KubeObject, patch: Record<string, unknown>): void {
    const merged = applyMergePatch(live, patch) as KubeObject;
    const where = describe({
      kind: live.kind,
      namespace: live.metadata.namespace ?? '',
      name: live.metadata.name,
    });
    // The API server takes identity from the URL; a patch may not move the object.
    if (
      merged.kind !== live.kind ||
      merged.apiVersion !== live.apiVersion ||
      merged.metadata?.name !== live.metadata.name ||
      merged.metadata?.namespace !== live.metadata.namespace
    ) {
      this.env.warn(
        `patch: ${where}: a patch cannot change kind, apiVersion, name or namespace; action skipped`,
        action.source,
      );
      return;
    }
    // Defaulting and validation, as the API server does for any update.
    const result = normalizeManifest(merged);
    const problem = result.issues.find((i) => i.severity === 'error');
    if (result.object === undefined || problem !== undefined) {
      const field = problem?.path.length ? `${problem.path.join('.')}: ` : '';
      this.env.warn(
        `patch: ${where}: the patched object is invalid: ${field}${problem?.message ?? 'rejected'}; action skipped`,
        action.source,
      );
      return;
    }
    this.env.client.update({
      ...result.object,
      metadata: { ...result.object.metadata, resourceVersion: live.metadata.resourceVersion },
    });
  }

  private labelsValid(action: TimelineAction, where: string, labels: Record<string, string>): boolean {
    const problem = validateLabels(labels, ['metadata', 'labels']).find((i) => i.severity === 'error');
    if (problem === undefined) return true;
    this.env.warn(`${action.action}: ${where}: ${problem.message}; action skipped`, action.source);
    return false;
  }
}

/** Labels after `kubectl label --overwrite`: a null value removes the key (`key-`). */
function withLabels(
  labels: Record<string, string> | undefined,
  changes: LabelChanges,
): Record<string, string> {
  const out: Record<string, string> = { ...labels };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * Taints after `kubectl taint NODE key=value:effect --overwrite`: a taint with the same key and
 * effect is replaced in place (kubectl reorganizeTaints), otherwise the new one is appended.
 */
function withTaint(taints: readonly Taint[], taint: Taint): Taint[] {
  const i = taints.findIndex((t) => t.key === taint.key && t.effect === taint.effect);
  if (i < 0) return [...taints, taint];
  return taints.map((t, j) => (j === i ? taint : t));
}

/** The object with the named container's image replaced (pod template or pod spec). */
function withImage<T extends KubeObject>(obj: T, container: string, image: string): T | undefined {
  const spec = obj.spec as { template?: PodTemplateSpec } & Partial<PodSpec>;
  const replace = (containers: Container[]): Container[] | undefined => {
    if (!containers.some((c) => c.name === container)) return undefined;
    return containers.map((c) => (c.name === container ? { ...c, image } : c));
  };
  if (spec.template !== undefined) {
    const containers = replace(spec.template.spec.containers);
    if (containers === undefined) return undefined;
    return {
      ...obj,
      spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } },
    };
  }
  if (spec.containers === undefined) return undefined;
  const containers = replace(spec.containers);
  return containers === undefined ? undefined : { ...obj, spec: { ...spec, containers } };
}
