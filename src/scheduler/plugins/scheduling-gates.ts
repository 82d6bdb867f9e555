// SchedulingGates (upstream plugins/schedulinggates/scheduling_gates.go): PreEnqueue keeps a pod
// out of activeQ while its spec.schedulingGates is non-empty.

import type { Pod } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  Handle,
  Plugin,
  PreEnqueuePlugin,
} from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const NAME = 'SchedulingGates';

/** Upstream's message, Go's %v of the gate names: "waiting for scheduling gates: [a b]". */
export function errReasonGated(gates: readonly string[]): string {
  return `waiting for scheduling gates: [${gates.join(' ')}]`;
}

// Removing the gates is a pod update.
const EVENTS: readonly ClusterEvent[] = [{ resource: 'Pod', actions: ['Update'] }];

export class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  readonly name = NAME;

  eventsToRegister(): readonly ClusterEvent[] {
    return EVENTS;
  }

  preEnqueue(pod: Pod): Status {
    const gates = pod.spec.schedulingGates;
    if (gates === undefined || gates.length === 0) return Status.SUCCESS;
    return new Status('UnschedulableAndUnresolvable', [errReasonGated(gates.map((g) => g.name))], NAME);
  }
}

export function newSchedulingGates(args: Record<string, unknown>, _handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new SchedulingGates();
}
