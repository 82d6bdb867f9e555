// DefaultBinder (upstream plugins/defaultbinder/default_binder.go): binds the pod to the chosen
// node through the API (a Binding), here Handle.bind.

import type { Pod } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { BindPlugin, Handle, Plugin } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const NAME = 'DefaultBinder';

export class DefaultBinder implements BindPlugin {
  readonly name = NAME;

  constructor(private readonly handle: Handle) {}

  bind(_state: CycleState, pod: Pod, nodeName: string): Status {
    try {
      this.handle.bind(pod, nodeName);
    } catch (e) {
      return Status.error(e instanceof Error ? e.message : String(e));
    }
    return Status.SUCCESS;
  }
}

export function newDefaultBinder(args: Record<string, unknown>, handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new DefaultBinder(handle);
}
