// A scheduler module that exports framework plugins: kube-scheduler as configured below, plus one
// plugin of our own. Run it with
//
//   kubesim run scenarios/<scenario>.yaml --scheduler ./examples/plugin-scheduler.ts
//
// or name it in a scenario as `scheduler: ./plugin-scheduler.ts` (relative to the scenario file).
// kubesim imports the module, registers every entry of `plugins` by name and builds the profile
// from `config` (without `config`: the default profile with each plugin added through multiPoint,
// weight 1). See docs/strategies/user-written.md and docs/plugins.md.
//
// The plugin, SpotLast, keeps pods off spot nodes while on-demand capacity is left: it scores
// nodes labelled node.kubernetes.io/lifecycle=spot 0 and all others 100. With weight 10 it
// outweighs the default spreading scores (at most 100 × 3 from NodeResourcesFit's LeastAllocated
// and the other default scorers), so a pod lands on a spot node only when no on-demand node fits.
// Outside this repository, import the same names from 'kubesim'.

import type { Pod } from '../src/api/types.js';
import type { CycleState } from '../src/scheduler/framework/cycle-state.js';
import type { Handle, Plugin, PluginFactory, ScorePlugin } from '../src/scheduler/framework/interfaces.js';
import type { NodeInfo } from '../src/scheduler/framework/node-info.js';

const SPOT_LABEL = 'node.kubernetes.io/lifecycle';

class SpotLast implements ScorePlugin {
  readonly name = 'SpotLast';

  constructor(private readonly label: string) {}

  score(_state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    return nodeInfo.node.metadata.labels?.[this.label] === 'spot' ? 0 : 100;
  }
}

const newSpotLast: PluginFactory = (args: Record<string, unknown>, _handle: Handle): Plugin =>
  new SpotLast(typeof args.label === 'string' ? args.label : SPOT_LABEL);

/** Plugin name → factory: the names `config` (or a scenario's configuration) enables them by. */
export const plugins: Record<string, PluginFactory> = { SpotLast: newSpotLast };

/** Optional: the KubeSchedulerConfiguration to run, checked like one in a scenario. */
export const config = {
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  profiles: [
    {
      schedulerName: 'default-scheduler',
      plugins: { multiPoint: { enabled: [{ name: 'SpotLast', weight: 10 }] } },
      pluginConfig: [{ name: 'SpotLast', args: { label: SPOT_LABEL } }],
    },
  ],
};
