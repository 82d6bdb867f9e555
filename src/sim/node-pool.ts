// Turns a node pool into Node objects, the way a cloud node group registers its instances:
// well-known labels (hostname, os, arch, zone, region), the pool's labels and taints, capacity.

import type { Node } from '../api/types.js';
import type { NodePool } from './spec.js';

export const POOL_LABEL = 'kubesim.io/pool';

/** The Node for the index-th instance of a pool (index starts at 1). */
export function buildPoolNode(pool: NodePool, index: number): Node {
  const name = `${pool.namePrefix}-${index}`;
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    [POOL_LABEL]: pool.name,
  };
  if (pool.zones.length > 0)
    labels['topology.kubernetes.io/zone'] = pool.zones[(index - 1) % pool.zones.length]!;
  if (pool.region !== undefined) labels['topology.kubernetes.io/region'] = pool.region;
  Object.assign(labels, pool.labels);
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: pool.taints.length > 0 ? { taints: pool.taints.map((t) => ({ ...t })) } : {},
    status: { capacity: { ...(pool.capacity ?? pool.allocatable) }, allocatable: { ...pool.allocatable } },
  };
  return node;
}

/**
 * The labels a kubelet sets on its Node when it registers (hostname, os, arch), added to an
 * explicit Node manifest that lacks them; existing labels are kept.
 */
export function registeredNode(node: Node): Node {
  const labels = node.metadata.labels ?? {};
  const wanted: Record<string, string> = {
    'kubernetes.io/hostname': node.metadata.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
  };
  const missing = Object.entries(wanted).filter(([k]) => !(k in labels));
  if (missing.length === 0) return node;
  return { ...node, metadata: { ...node.metadata, labels: { ...labels, ...Object.fromEntries(missing) } } };
}
