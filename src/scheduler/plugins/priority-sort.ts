// PrioritySort (upstream plugins/queuesort/priority_sort.go): activeQ order. Higher
// spec.priority first (a pod without one counts as 0); ties go to the pod that entered the queue
// earlier.

import { ArgsError } from '../framework/args.js';
import type { Handle, Plugin, QueuedPodInfo, QueueSortPlugin } from '../framework/interfaces.js';

export const NAME = 'PrioritySort';

export class PrioritySort implements QueueSortPlugin {
  readonly name = NAME;

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.pod.spec.priority ?? 0;
    const pb = b.pod.spec.priority ?? 0;
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }
}

export function newPrioritySort(args: Record<string, unknown>, _handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new PrioritySort();
}
