// A tiny simulation for controller tests: engine, store, informers, the workload controllers and a
// fake kubelet that binds every unassigned pod to one node at once, marks it Running and Ready
// after a configurable delay, and confirms graceful deletions after another delay.

import { isPodActive, isPodAvailable } from '../../src/api/pod.js';
import type { Deployment, IntOrString, KubeObject, Pod, ReplicaSet } from '../../src/api/types.js';
import { InformerFactory, makeControllerContext } from '../../src/controllers/context.js';
import { DeploymentController } from '../../src/controllers/deployment.js';
import { GarbageCollector } from '../../src/controllers/garbage-collector.js';
import { ReplicaSetController } from '../../src/controllers/replicaset.js';
import { Engine } from '../../src/engine/engine.js';
import { ApiError } from '../../src/store/errors.js';
import { Store } from '../../src/store/store.js';

export interface HarnessOptions {
  seed?: number;
  /** Delay from binding to Running+Ready, per pod (index = order of creation). */
  readyDelayMs?: number | ((pod: Pod, index: number) => number);
  /** Delay from deletionTimestamp to the kubelet's final delete. */
  deleteDelayMs?: number;
  nodeName?: string;
  informerDelayMs?: number;
}

export class Harness {
  readonly engine: Engine;
  readonly store: Store;
  readonly factory: InformerFactory;
  readonly rsController: ReplicaSetController;
  readonly deploymentController: DeploymentController;
  readonly gc: GarbageCollector;
  private podIndex = 0;

  constructor(private readonly options: HarnessOptions = {}) {
    this.engine = new Engine(options.seed ?? 1);
    this.store = new Store(this.engine, this.engine.random.stream('apiserver/names'), { freeze: true });
    this.factory = new InformerFactory(this.store, this.engine);
    const delay = options.informerDelayMs ?? 0;
    const ctx = (actor: string) => makeControllerContext(this.store, this.engine, this.factory, actor, delay);
    this.rsController = new ReplicaSetController(ctx('replicaset-controller'));
    this.deploymentController = new DeploymentController(ctx('deployment-controller'));
    this.gc = new GarbageCollector(ctx('garbage-collector'));
    this.startKubelet();
    this.rsController.start();
    this.deploymentController.start();
    this.gc.start();
  }

  private readyDelay(pod: Pod): number {
    const d = this.options.readyDelayMs ?? 1000;
    return typeof d === 'number' ? d : d(pod, this.podIndex++);
  }

  private startKubelet(): void {
    const node = this.options.nodeName ?? 'node-1';
    const deleteDelay = this.options.deleteDelayMs ?? 1000;
    this.store.watch<Pod>('Pod', (event) => {
      const pod = event.object;
      const uid = pod.metadata.uid!;
      const ns = pod.metadata.namespace;
      const name = pod.metadata.name;
      if (event.type === 'ADDED' && !pod.spec.nodeName && pod.metadata.deletionTimestamp === undefined) {
        const delay = this.readyDelay(pod);
        this.engine.after(0, () => {
          const cur = this.store.get<Pod>('Pod', ns, name);
          if (
            cur === undefined ||
            cur.metadata.uid !== uid ||
            cur.spec.nodeName ||
            cur.metadata.deletionTimestamp
          ) {
            return;
          }
          this.store.bind(ns ?? 'default', name, uid, node, 'scheduler');
          this.engine.after(delay, () => this.markReady(ns, name, uid));
        });
      }
      if (
        event.type === 'MODIFIED' &&
        pod.metadata.deletionTimestamp !== undefined &&
        event.oldObject?.metadata.deletionTimestamp === undefined
      ) {
        this.engine.after(deleteDelay, () => {
          try {
            this.store.delete('Pod', ns, name, 'kubelet', { gracePeriodSeconds: 0, uid });
          } catch (e) {
            if (!(e instanceof ApiError)) throw e;
          }
        });
      }
    });
  }

  private markReady(ns: string | undefined, name: string, uid: string): void {
    const cur = this.store.get<Pod>('Pod', ns, name);
    if (cur === undefined || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp !== undefined) return;
    const now = this.engine.now;
    const conditions = (cur.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
    conditions.push({ type: 'Ready', status: 'True', lastTransitionTime: now });
    this.store.updateStatus<Pod>(
      { ...cur, status: { ...cur.status, phase: 'Running', startTime: now, conditions } },
      'kubelet',
    );
  }

  create<T extends KubeObject>(obj: T): T {
    return this.store.create(obj, 'user');
  }

  /** Runs the simulation for ms more milliseconds. */
  run(ms: number): void {
    this.engine.run(this.engine.now + ms);
  }

  /** Runs in steps of stepMs until pred holds; returns whether it did before maxMs. */
  runUntil(pred: () => boolean, maxMs: number, stepMs = 100): boolean {
    const end = this.engine.now + maxMs;
    while (this.engine.now < end) {
      if (pred()) return true;
      this.engine.run(Math.min(end, this.engine.now + stepMs));
    }
    return pred();
  }

  deployment(name: string, namespace = 'default'): Deployment | undefined {
    return this.store.get<Deployment>('Deployment', namespace, name);
  }

  pods(): Pod[] {
    return [...this.store.list<Pod>('Pod')];
  }

  replicaSets(): ReplicaSet[] {
    return [...this.store.list<ReplicaSet>('ReplicaSet')];
  }

  /** Active pods (not terminating, not finished) with label app=name. */
  activePods(app: string): Pod[] {
    return this.pods().filter((p) => p.metadata.labels?.app === app && isPodActive(p));
  }

  availablePods(app: string, minReadySeconds = 0): Pod[] {
    const now = this.engine.now;
    return this.activePods(app).filter((p) => isPodAvailable(p, minReadySeconds, now));
  }

  /** Updates a deployment's spec through the store as a user would (kubectl apply / edit). */
  updateDeployment(name: string, change: (d: Deployment) => Deployment, namespace = 'default'): Deployment {
    const d = this.deployment(name, namespace)!;
    return this.store.update(change(d), 'user');
  }

  /** Rollout finished: every replica updated and available, generation observed, no old pods. */
  rolloutComplete(name: string): boolean {
    const d = this.deployment(name);
    if (d === undefined) return false;
    const replicas = d.spec.replicas ?? 1;
    const s = d.status;
    return (
      s !== undefined &&
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
      s.replicas === replicas &&
      s.updatedReplicas === replicas &&
      s.availableReplicas === replicas &&
      this.pods().filter((p) => p.metadata.labels?.app === name).length === replicas
    );
  }
}

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  strategy?: 'RollingUpdate' | 'Recreate';
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  namespace?: string;
}

/** A Deployment manifest as the API layer would store it (defaults filled in). */
export function makeDeployment(name: string, o: DeploymentOptions = {}): Deployment {
  const strategy: Deployment['spec']['strategy'] =
    o.strategy === 'Recreate'
      ? { type: 'Recreate' }
      : {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' },
        };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? 'default', labels: { app: name } },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      strategy,
      minReadySeconds: o.minReadySeconds ?? 0,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: o.image ?? 'nginx:1.0', imagePullPolicy: 'IfNotPresent' }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          schedulerName: 'default-scheduler',
        },
      },
    },
  };
}

/** Returns a copy of d with every container's image replaced. */
export function withImage(d: Deployment, image: string): Deployment {
  return {
    ...d,
    spec: {
      ...d.spec,
      template: {
        ...d.spec.template,
        spec: {
          ...d.spec.template.spec,
          containers: d.spec.template.spec.containers.map((c) => ({ ...c, image })),
        },
      },
    },
  };
}
