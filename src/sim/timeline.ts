// Executes the scenario timeline: each action runs at its time as the user (actor "timeline")
// would run kubectl or a cloud console. An action whose target is missing at run time is skipped
// with a warning that points at the action in the scenario file.

import type { Container, Deployment, KubeObject, Node, PodSpec, PodTemplateSpec } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Client } from '../store/client.js';
import { ApiError } from '../store/errors.js';
import type { DrainOptions } from './drain.js';
import { rollbackDeployment } from './rollback.js';
import type { ObjectTarget, SourceRef, TimelineAction } from './spec.js';

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
  /** Starts `kubectl drain` of the node; false if there is no such node. */
  drainNode(name: string, options: DrainOptions): boolean;
  warn(message: string, source?: SourceRef): void;
}

export function scheduleTimeline(actions: readonly TimelineAction[], env: TimelineEnv): void {
  for (const action of actions) env.engine.at(action.at, () => runAction(action, env));
}

function describe(t: ObjectTarget): string {
  return `${t.kind.toLowerCase()}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}

export function runAction(action: TimelineAction, env: TimelineEnv): void {
  const { client } = env;
  const missing = (what: string) =>
    env.warn(`${action.action}: ${what} not found; action skipped`, action.source);
  try {
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
      case 'failNode':
        if (!env.failNode(action.node)) missing(`node/${action.node}`);
        return;
      case 'recoverNode':
        if (!env.recoverNode(action.node)) missing(`node/${action.node}`);
        return;
      case 'partitionNode':
        if (!env.partitionNode(action.node)) missing(`node/${action.node}`);
        return;
      case 'healNode':
        if (!env.healNode(action.node)) missing(`node/${action.node}`);
        return;
      case 'addNodes':
        env.addPoolNodes(action.pool, action.count);
        return;
      case 'drain':
        if (!env.drainNode(action.node, action.options)) missing(`node/${action.node}`);
        return;
      case 'rollback': {
        const t = action.target;
        const d = client.get<Deployment>('Deployment', t.namespace, t.name);
        if (d === undefined) {
          missing(describe(t));
          return;
        }
        const refusal = rollbackDeployment(client, d, action.toRevision);
        if (refusal !== undefined) env.warn(`rollback: ${describe(t)}: ${refusal}`, action.source);
        return;
      }
      case 'uncordon': {
        const node = client.get<Node>('Node', undefined, action.node);
        if (node === undefined) {
          missing(`node/${action.node}`);
          return;
        }
        if (node.spec?.unschedulable) {
          const { unschedulable: _, ...spec } = node.spec;
          client.update<Node>({ ...node, spec });
        }
        return;
      }
    }
  } catch (e) {
    if (e instanceof ApiError) {
      env.warn(`${action.action}: ${e.message}`, action.source);
      return;
    }
    throw e;
  }
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
