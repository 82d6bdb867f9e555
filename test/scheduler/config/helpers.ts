import type { ExtensionPoint } from '../../../src/scheduler/config/types.js';

export function implementsFrom(
  table: Record<string, readonly ExtensionPoint[]>,
): (name: string, point: ExtensionPoint) => boolean {
  return (name, point) => table[name]?.includes(point) ?? false;
}

/**
 * Which points the default plugins implement (upstream; the expanded lists match upstream's
 * ExpandedPluginsV1 in pkg/scheduler/apis/config/testing/defaults), plus a test plugin "Custom".
 */
export const IN_TREE = implementsFrom({
  SchedulingGates: ['preEnqueue'],
  PrioritySort: ['queueSort'],
  NodeUnschedulable: ['filter'],
  NodeName: ['filter'],
  TaintToleration: ['filter', 'preScore', 'score'],
  NodeAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  NodePorts: ['preFilter', 'filter'],
  NodeResourcesFit: ['preFilter', 'filter', 'preScore', 'score'],
  VolumeRestrictions: ['preFilter', 'filter'],
  NodeVolumeLimits: ['preFilter', 'filter'],
  VolumeBinding: ['preFilter', 'filter', 'reserve', 'preBind', 'preScore', 'score'],
  VolumeZone: ['preFilter', 'filter'],
  PodTopologySpread: ['preFilter', 'filter', 'preScore', 'score'],
  InterPodAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  DefaultPreemption: ['postFilter'],
  NodeResourcesBalancedAllocation: ['preScore', 'score'],
  ImageLocality: ['score'],
  DefaultBinder: ['bind'],
  Custom: ['filter', 'score'],
});
