// What a controller gets to work with: the engine (time and timers), its informers, and a client
// whose writes are attributed to it. Controllers never see each other.

import type { KubeObject } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import { Client } from '../store/client.js';
import { Informer } from '../store/informer.js';
import type { Store } from '../store/store.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();

  constructor(
    private readonly store: Store,
    private readonly engine: Engine,
  ) {}

  /** The shared informer for `kind` with the given delivery delay. */
  get<T extends KubeObject>(kind: string, delayMs = 0): Informer<T> {
    const key = `${kind}@${delayMs}`;
    let informer = this.informers.get(key);
    if (informer === undefined) {
      informer = new Informer(this.store, this.engine, kind, delayMs);
      this.informers.set(key, informer);
    }
    return informer as unknown as Informer<T>;
  }
}

export interface ControllerContext {
  readonly engine: Engine;
  readonly client: Client;
  /** Returns this component's view of a kind (with its configured staleness). */
  informer<T extends KubeObject>(kind: string): Informer<T>;
}

export function makeControllerContext(
  store: Store,
  engine: Engine,
  factory: InformerFactory,
  actor: string,
  delayMs = 0,
): ControllerContext {
  return {
    engine,
    client: new Client(store, actor),
    informer: <T extends KubeObject>(kind: string) => factory.get<T>(kind, delayMs),
  };
}

/** A running controller. `start` registers event handlers and enqueues the initial keys. */
export interface Controller {
  readonly name: string;
  start(): void;
}
