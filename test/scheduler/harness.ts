// Builders for scheduler plugin tests, in the spirit of upstream's st.MakeNode() / st.MakePod():
// nodes and pods as plain Kubernetes objects, a Handle over a snapshot of them, and helpers that
// run a plugin through its public extension points (PreFilter→Filter, PreScore→Score→Normalize).

import type {
  Affinity,
  KubeObject,
  Node,
  Pod,
  ResourceList,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from '../../src/api/types.js';
import { RandomStreams } from '../../src/engine/random.js';
import type { CycleState } from '../../src/scheduler/framework/cycle-state.js';
import type {
  Handle,
  NodeInfoLister,
  Plugin,
  ScorePlugin,
} from '../../src/scheduler/framework/interfaces.js';
import { NodeInfo } from '../../src/scheduler/framework/node-info.js';
import { filterWithPlugin, scoreWithPlugin } from '../../src/scheduler/framework/run-plugins.js';
import { Status } from '../../src/scheduler/framework/status.js';

let uid = 0;

export interface NodeSpec {
  /** Allocatable; plain numbers are taken as written (cpu in cores unless a string like "250m"). */
  alloc?: ResourceList;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

export function makeNode(name: string, spec: NodeSpec = {}): Node {
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...spec.labels }, uid: `node-${name}` },
    spec: {},
    status: { allocatable: { pods: '110', ...spec.alloc }, capacity: { pods: '110', ...spec.alloc } },
  };
  if (spec.taints) node.spec!.taints = spec.taints;
  if (spec.unschedulable) node.spec!.unschedulable = true;
  if (spec.images) node.status!.images = spec.images;
  return node;
}

export interface PodSpecOptions {
  namespace?: string;
  labels?: Record<string, string>;
  /** One container per entry; an entry's keys are resource requests. `[]` = no containers. */
  containers?: ResourceList[];
  /** Containers without any request (count). */
  emptyContainers?: number;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  priority?: number;
  hostPorts?: { port: number; protocol?: 'TCP' | 'UDP'; hostIP?: string }[];
  images?: string[];
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
  deletionTimestamp?: number;
  schedulingGates?: string[];
  creationTimestamp?: number;
  startTime?: number;
}

export function makePod(name: string, o: PodSpecOptions = {}): Pod {
  const containers = [
    ...(o.containers ?? []).map((requests, i) => ({
      name: `c${i}`,
      image: o.images?.[i] ?? 'pause',
      resources: { requests },
    })),
    ...Array.from({ length: o.emptyContainers ?? 0 }, (_, i) => ({
      name: `e${i}`,
      image: o.images?.[i] ?? 'pause',
    })),
  ];
  if (o.images && containers.length === 0) {
    for (const [i, image] of o.images.entries()) containers.push({ name: `i${i}`, image });
  }
  if (o.hostPorts) {
    containers.push({
      name: 'ports',
      image: 'pause',
      ports: o.hostPorts.map((p) => ({
        containerPort: p.port,
        hostPort: p.port,
        protocol: p.protocol ?? 'TCP',
        hostIP: p.hostIP,
      })),
    } as (typeof containers)[number]);
  }
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}-${++uid}`,
      labels: o.labels ?? {},
    },
    spec: { containers },
  };
  if (o.nodeName) pod.spec.nodeName = o.nodeName;
  if (o.nodeSelector) pod.spec.nodeSelector = o.nodeSelector;
  if (o.affinity) pod.spec.affinity = o.affinity;
  if (o.tolerations) pod.spec.tolerations = o.tolerations;
  if (o.topologySpreadConstraints) pod.spec.topologySpreadConstraints = o.topologySpreadConstraints;
  if (o.priority !== undefined) pod.spec.priority = o.priority;
  if (o.ownerReferences) pod.metadata.ownerReferences = o.ownerReferences;
  if (o.deletionTimestamp !== undefined) pod.metadata.deletionTimestamp = o.deletionTimestamp;
  if (o.schedulingGates) pod.spec.schedulingGates = o.schedulingGates.map((n) => ({ name: n }));
  if (o.creationTimestamp !== undefined) pod.metadata.creationTimestamp = o.creationTimestamp;
  if (o.startTime !== undefined) pod.status = { startTime: o.startTime };
  return pod;
}

/** NodeInfos for nodes with the given pods placed on them (by spec.nodeName). */
export function nodeInfos(nodes: Node[], pods: Pod[] = []): NodeInfo[] {
  const infos = nodes.map((n) => new NodeInfo(n));
  const byName = new Map(infos.map((i) => [i.name, i]));
  for (const p of pods) {
    const ni = byName.get(p.spec.nodeName ?? '');
    if (ni === undefined) throw new Error(`pod ${p.metadata.name} is not on a known node`);
    ni.addPod(p);
  }
  // Image states: size and on how many nodes each image is.
  const counts = new Map<string, { size: number; numNodes: number }>();
  for (const n of nodes) {
    for (const img of n.status?.images ?? []) {
      for (const name of img.names) {
        const c = counts.get(name) ?? { size: img.sizeBytes ?? 0, numNodes: 0 };
        c.numNodes++;
        counts.set(name, c);
      }
    }
  }
  for (const ni of infos) {
    const states = new Map<string, { size: number; numNodes: number }>();
    for (const img of ni.node.status?.images ?? [])
      for (const name of img.names) states.set(name, counts.get(name)!);
    ni.imageStates = states;
  }
  return infos;
}

export function lister(infos: NodeInfo[]): NodeInfoLister {
  const byName = new Map(infos.map((i) => [i.name, i]));
  return {
    list: () => infos,
    get: (name) => byName.get(name),
    havePodsWithAffinity: () => infos.filter((i) => i.podsWithAffinity.size > 0),
    havePodsWithRequiredAntiAffinity: () => infos.filter((i) => i.podsWithRequiredAntiAffinity.size > 0),
  };
}

export interface HandleOptions {
  objects?: KubeObject[];
  namespaces?: Record<string, Record<string, string>>;
  kubernetesVersion?: string;
  nominated?: Record<string, Pod[]>;
  now?: number;
  seed?: number;
}

/** A Handle over a fixed snapshot; writes are recorded instead of applied. */
export function makeHandle(infos: NodeInfo[], o: HandleOptions = {}): Handle & { writes: string[] } {
  const writes: string[] = [];
  const objects = o.objects ?? [];
  const random = new RandomStreams(o.seed ?? 1);
  const handle: Handle & { writes: string[] } = {
    writes,
    nodes: lister(infos),
    objects: {
      get: <T extends KubeObject>(kind: string, ns: string | undefined, name: string) =>
        objects.find(
          (x) =>
            x.kind === kind &&
            x.metadata.name === name &&
            (x.metadata.namespace ?? undefined) === (ns ?? undefined),
        ) as T | undefined,
      list: <T extends KubeObject>(kind: string) => objects.filter((x) => x.kind === kind) as T[],
    },
    nominator: { nominatedPodsForNode: (n) => o.nominated?.[n] ?? [] },
    now: () => o.now ?? 0,
    random: (name) => random.stream(name),
    namespaceLabels: (ns) => o.namespaces?.[ns] ?? { 'kubernetes.io/metadata.name': ns },
    kubernetesVersion: o.kubernetesVersion ?? '1.33',
    bind: (pod, node) => writes.push(`bind ${pod.metadata.name} ${node}`),
    deletePod: (pod, reason) => writes.push(`delete ${pod.metadata.name} (${reason})`),
    updatePodStatus: (pod) => writes.push(`status ${pod.metadata.name}`),
    runFilterPluginsWithNominatedPods: () => Status.SUCCESS,
    runPreFilterExtensionAddPod: () => Status.SUCCESS,
    runPreFilterExtensionRemovePod: () => Status.SUCCESS,
  };
  return handle;
}

/** Per-node filter verdicts of one plugin: "Success" or "<code>: <reasons>". */
export function filterCodes(
  plugin: Plugin,
  pod: Pod,
  infos: NodeInfo[],
  state?: CycleState,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of filterWithPlugin(plugin, pod, infos, state)) {
    out[name] = s.isSuccess() ? 'Success' : `${s.code}: ${s.message()}`;
  }
  return out;
}

/** Per-node final scores (after NormalizeScore, before weight) of one plugin. */
export function scores(
  plugin: ScorePlugin,
  pod: Pod,
  infos: NodeInfo[],
  state?: CycleState,
): Record<string, number> {
  return Object.fromEntries(scoreWithPlugin(plugin, pod, infos, state));
}
