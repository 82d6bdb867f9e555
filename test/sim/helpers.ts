import { join } from 'node:path';
import type { KubeObject } from '../../src/api/types.js';
import { loadScenario } from '../../src/scenario/load.js';
import { type SimulateOptions, type SimulationResult, simulate } from '../../src/sim/simulation.js';
import type { SimulationSpec } from '../../src/sim/spec.js';

export const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');

export interface Change {
  t: number;
  type: string;
  actor: string;
  object: KubeObject;
}

/** Runs a bundled scenario with frozen objects, collecting every API change. */
export async function runScenario(
  name: string,
  options: SimulateOptions = {},
  edit: (spec: SimulationSpec) => SimulationSpec = (s) => s,
): Promise<{ result: SimulationResult; changes: Change[] }> {
  const spec = edit((await loadScenario(join(SCENARIOS, name))).spec);
  return simulateCollecting(spec, options);
}

/** Runs a spec with frozen objects, collecting every API change from the event log. */
export function simulateCollecting(
  spec: SimulationSpec,
  options: SimulateOptions = {},
): { result: SimulationResult; changes: Change[] } {
  const changes: Change[] = [];
  const result = simulate(spec, {
    freezeObjects: true,
    onEventLine: (line) => {
      const e = JSON.parse(line);
      changes.push({ t: e.t, type: e.type, actor: e.actor, object: e.object });
    },
    ...options,
  });
  return { result, changes };
}

/** The objects that exist at the end of a run, by "Kind/name", from its changes. */
export function liveObjects(changes: readonly Change[]): Map<string, KubeObject> {
  const live = new Map<string, KubeObject>();
  for (const c of changes) {
    const key = `${c.object.kind}/${c.object.metadata.name}`;
    if (c.type === 'DELETED') live.delete(key);
    else live.set(key, c.object);
  }
  return live;
}
