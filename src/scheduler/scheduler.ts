// What the simulation needs from any scheduler, built-in or user-written: start it, and it binds
// pods through its client. Decision records go to onDecision for --decisions and explain.

import type { KubeObject, Node, Pod } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Client } from '../store/client.js';
import type { Informer } from '../store/informer.js';
import type { DecisionRecord } from './decision.js';

export interface SchedulerEnv {
  engine: Engine;
  client: Client;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  /** The scheduler's view of any other kind (PVCs, PDBs, Services, ...). */
  informer<T extends KubeObject>(kind: string): Informer<T>;
  /** Called after every scheduling attempt. */
  onDecision?: (record: DecisionRecord) => void;
  /** Build per-node filter and score details in decision records (costly; off for plain runs). */
  recordDetails: boolean;
}

export interface Scheduler {
  /** Preset or strategy name, reported in summary.json. */
  readonly name: string;
  start(): void;
  /**
   * Optional: the design's own metrics (e.g. Omega's conflict rate per scheduler), as JSON-able
   * values. summary.json puts the result under `metrics.scheduler`.
   */
  summary?(): Record<string, unknown>;
}
