// Swarm's containerslots filter (scheduler/filter/slots.go): a node labelled containerslots=N
// takes a container only while it runs fewer than N; a label that is not an integer sets no limit.

import type { NodeInfo } from '../../framework/node-info.js';
import type { SwarmFilter } from './filter.js';

export const CONTAINER_SLOTS_LABEL = 'containerslots';

/** Go strconv.Atoi: an optional sign and decimal digits, nothing else. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
}

export const containerSlotsFilter: SwarmFilter = {
  name: 'containerslots',
  reject(_request, node: NodeInfo): string | undefined {
    const label = node.node.metadata.labels?.[CONTAINER_SLOTS_LABEL];
    if (label === undefined) return undefined;
    const slots = atoi(label);
    if (slots === undefined || node.podCount < slots) return undefined;
    return `all ${slots} container slots are taken`;
  },
  describe: () => ['available container slots'],
};
