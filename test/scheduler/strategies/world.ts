// A bare simulated API server for testing a scheduling strategy on its own, as the simulation
// wires one (src/sim/simulation.ts): an engine, a store, informers, the SchedulerEnv a strategy
// gets (binding as default-scheduler, decision records collected) and an admin client.

import type { Node, Pod } from '../../../src/api/types.js';
import { InformerFactory } from '../../../src/controllers/context.js';
import { Engine } from '../../../src/engine/engine.js';
import type { DecisionRecord } from '../../../src/scheduler/decision.js';
import type { SchedulerEnv } from '../../../src/scheduler/scheduler.js';
import { Client } from '../../../src/store/client.js';
import { Store } from '../../../src/store/store.js';

export function strategyWorld(recordDetails = false) {
  const engine = new Engine(1);
  const store = new Store(engine, engine.random.stream('apiserver/generate-name'));
  const informers = new InformerFactory(store, engine);
  const decisions: DecisionRecord[] = [];
  const env: SchedulerEnv = {
    engine,
    client: new Client(store, 'default-scheduler'),
    pods: informers.get<Pod>('Pod'),
    nodes: informers.get<Node>('Node'),
    informer: (kind) => informers.get(kind),
    onDecision: (r) => decisions.push(r),
    recordDetails,
  };
  return { engine, store, env, decisions, admin: new Client(store, 'test') };
}
