// Builders shared by the metrics tests: a store on an engine clock, and minimal objects.

import type { Container, Deployment, Node, OwnerReference, Pod } from '../../src/api/types.js';
import { Engine } from '../../src/engine/engine.js';
import { Store } from '../../src/store/store.js';

export function setup(seed = 1): { engine: Engine; store: Store } {
  const engine = new Engine(seed);
  const store = new Store(engine, engine.random.stream('store/names'), { freeze: true });
  return { engine, store };
}

export function node(name: string, cpu: string, memory: string, ready = true): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      allocatable: { cpu, memory, pods: 110 },
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export function container(name: string, cpu?: string, memory?: string, image = 'nginx:1.25'): Container {
  const requests: Record<string, string> = {};
  if (cpu !== undefined) requests.cpu = cpu;
  if (memory !== undefined) requests.memory = memory;
  return { name, image, resources: { requests } };
}

export function pod(
  name: string,
  opts: { cpu?: string; memory?: string; owner?: OwnerReference; init?: Container[]; nodeName?: string } = {},
): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [container('app', opts.cpu, opts.memory)] },
    status: { phase: 'Pending' },
  };
  if (opts.owner) p.metadata.ownerReferences = [opts.owner];
  if (opts.init) p.spec.initContainers = opts.init;
  if (opts.nodeName) p.spec.nodeName = opts.nodeName;
  return p;
}

export function deployment(name: string, replicas: number, image = 'nginx:1.25'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  };
}

/** Moves the clock to t (no events are queued in these tests, so run() just sets now). */
export function at(engine: Engine, t: number): void {
  engine.run(t);
}
