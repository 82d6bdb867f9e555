// Swarm's affinity filter (scheduler/filter/affinity.go): expressions about what already runs on
// a node. `container==NAME` matches the pods on the node by name or uid (Swarm: container name or
// id); `image==NAME` matches the images the node has — those its Node status lists and those of
// the pods placed on it — by full reference or repository; any other key matches the pods' label
// of that name. Soft expressions (`==~`) are dropped on Swarm's second try.

import type { NodeInfo } from '../../framework/node-info.js';
import { type Expr, formatExpr, matchExpr } from './expr.js';
import type { SwarmFilter, SwarmRequest } from './filter.js';
import { repositoryOf } from './pod-config.js';

function containerNames(node: NodeInfo): string[] {
  const out: string[] = [];
  for (const p of node.pods.values()) out.push(p.pod.metadata.uid ?? '', p.pod.metadata.name);
  return out;
}

function images(node: NodeInfo): string[] {
  const names = new Set<string>();
  for (const img of node.node.status?.images ?? []) for (const n of img.names) names.add(n);
  for (const p of node.pods.values()) {
    for (const c of p.pod.spec.initContainers ?? []) if (c.image) names.add(c.image);
    for (const c of p.pod.spec.containers) if (c.image) names.add(c.image);
  }
  const out: string[] = [];
  for (const n of names) out.push(n, repositoryOf(n));
  return out;
}

function podLabels(node: NodeInfo, key: string): string[] {
  const out: string[] = [];
  for (const p of node.pods.values()) out.push(p.pod.metadata.labels?.[key] ?? '');
  return out;
}

function candidates(expr: Expr, node: NodeInfo): string[] {
  if (expr.key === 'container') return containerNames(node);
  if (expr.key === 'image') return images(node);
  return podLabels(node, expr.key);
}

export const affinityFilter: SwarmFilter = {
  name: 'affinity',
  reject(request: SwarmRequest, node: NodeInfo, soft: boolean): string | undefined {
    for (const a of request.affinities) {
      if (!soft && a.soft) continue;
      if (!matchExpr(a, candidates(a, node))) return `affinity ${formatExpr(a)} does not hold`;
    }
    return undefined;
  },
  describe: (request) => request.affinities.map((a) => `${formatExpr(a)} (soft=${a.soft})`),
};
