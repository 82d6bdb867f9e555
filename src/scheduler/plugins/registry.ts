// The in-tree plugins by name (upstream's in-tree registry). A profile enables plugins by these
// names; user plugins are added to a copy of this map.

import type { PluginFactory } from '../framework/interfaces.js';
import { newDefaultBinder } from './default-binder.js';
import { newDefaultPreemption } from './default-preemption.js';
import { newImageLocality } from './image-locality.js';
import { newInterPodAffinity } from './inter-pod-affinity.js';
import { newNodeAffinity } from './node-affinity.js';
import { newNodeName } from './node-name.js';
import { newNodePorts } from './node-ports.js';
import { newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.js';
import { newNodeResourcesFit } from './node-resources-fit.js';
import { newNodeUnschedulable } from './node-unschedulable.js';
import { newNodeVolumeLimits } from './node-volume-limits.js';
import { newPodTopologySpread } from './pod-topology-spread.js';
import { newPrioritySort } from './priority-sort.js';
import { newSchedulingGates } from './scheduling-gates.js';
import { newTaintToleration } from './taint-toleration.js';
import { newVolumeBinding } from './volume-binding.js';
import { newVolumeRestrictions } from './volume-restrictions.js';
import { newVolumeZone } from './volume-zone.js';

export const IN_TREE_PLUGINS: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  ['PrioritySort', newPrioritySort],
  ['SchedulingGates', newSchedulingGates],
  ['NodeUnschedulable', newNodeUnschedulable],
  ['NodeName', newNodeName],
  ['TaintToleration', newTaintToleration],
  ['NodeAffinity', newNodeAffinity],
  ['NodePorts', newNodePorts],
  ['NodeResourcesFit', newNodeResourcesFit],
  ['VolumeRestrictions', newVolumeRestrictions],
  ['NodeVolumeLimits', newNodeVolumeLimits],
  ['VolumeBinding', newVolumeBinding],
  ['VolumeZone', newVolumeZone],
  ['PodTopologySpread', newPodTopologySpread],
  ['InterPodAffinity', newInterPodAffinity],
  ['DefaultPreemption', newDefaultPreemption],
  ['NodeResourcesBalancedAllocation', newNodeResourcesBalancedAllocation],
  ['ImageLocality', newImageLocality],
  ['DefaultBinder', newDefaultBinder],
]);
