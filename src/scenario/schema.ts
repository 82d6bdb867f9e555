// The shape of a scenario file (format v1, apiVersion kubesim.io/v1alpha1). Structure only:
// Kubernetes manifests inside are loose objects here and are checked by normalizeManifest, and the
// loader (load.ts) does the checks that need more than one field (files, names, duplicates).
// docs/scenario.schema.json is generated from ScenarioSchema (npm run schema).

import { z } from 'zod';
import { DurationError, parseDuration } from '../api/duration.js';
import { isNegative, parseQuantity, QuantityError } from '../api/quantity.js';
import { IncludeSchema, ParamsSchema } from './compose.js';
import { processItemSchema } from './processes.js';
import { closest } from './suggest.js';
import { checkTarget } from './targets.js';

export const SCENARIO_API_VERSION = 'kubesim.io/v1alpha1';
export const SCENARIO_KIND = 'Scenario';

// ---------------------------------------------------------------- scalars

const DURATION_DESCRIPTION =
  'Go-style duration ("90s", "5m", "1h30m", "1.5h", "300ms") or an integer number of milliseconds';

// A union of string and number whose own error (used when the value is neither) is
// "expectation (hint)"; the contents are checked by parseDuration so messages say what is valid.
export const DurationSchema = z
  .union(
    [
      z.string().meta({ pattern: '^\\+?([0-9]*(\\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+$|^\\+?0$' }),
      z.number().meta({ type: 'integer', minimum: 0 }),
    ],
    { error: 'expected a duration (e.g. "90s", "5m", "1h30m", or an integer number of milliseconds)' },
  )
  .superRefine((v, ctx) => {
    try {
      parseDuration(v);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.reason, params: { hint: e.hint } });
    }
  })
  .meta({ description: DURATION_DESCRIPTION });

/** Splits "invalid quantity "x" (use ...)" into message and hint. */
export function splitHint(message: string): { message: string; hint?: string } {
  const m = /^(.*?) \(([^()]*)\)$/s.exec(message);
  return m ? { message: m[1]!, hint: m[2]! } : { message };
}

export const QuantitySchema = z
  .union([z.string(), z.number()], { error: 'expected a quantity (e.g. "500m", "4", "16Gi")' })
  .superRefine((v, ctx) => {
    try {
      if (isNegative(parseQuantity(v))) {
        ctx.addIssue({
          code: 'custom',
          message: `quantity ${JSON.stringify(String(v))} must not be negative`,
        });
      }
    } catch (e) {
      if (!(e instanceof QuantityError)) throw e;
      const { message, hint } = splitHint(e.message);
      ctx.addIssue({ code: 'custom', message, params: { hint } });
    }
  })
  .meta({ description: 'Kubernetes quantity, e.g. "500m", "4", "16Gi", "1e3"' });

const NonNegativeInt = z.int().min(0);
const Name = z.string().min(1);

export const ResourceListSchema = z
  .record(z.string().min(1), QuantitySchema)
  .meta({ description: 'Resource name to quantity, e.g. {cpu: "4", memory: 16Gi, pods: "110"}' });

const LabelsSchema = z.record(z.string().min(1), z.string()).meta({ description: 'Label key to value' });

export const FileRefSchema = z
  .strictObject({
    file: Name.meta({ description: 'Path relative to the scenario file' }),
  })
  .meta({ description: 'Read from another file, relative to the scenario file' });

export const ManifestSchema = z.looseObject({}).meta({
  description:
    'A Kubernetes manifest (apiVersion, kind, metadata, spec, ...), checked as the API server would',
});

const ManifestOrFile = z.union([FileRefSchema, ManifestSchema]);

export const TaintSchema = z.strictObject({
  key: Name,
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

// ---------------------------------------------------------------- cluster

export const NodePoolSchema = z.strictObject({
  name: Name.meta({ description: 'Pool name, referenced by addNodes' }),
  namePrefix: Name.optional().meta({
    description: 'Nodes are named <namePrefix>-<n>, n from 1; default: the pool name',
  }),
  count: NonNegativeInt.meta({ description: 'Nodes created at t=0' }),
  allocatable: ResourceListSchema,
  capacity: ResourceListSchema.optional().meta({ description: 'Default: allocatable' }),
  labels: LabelsSchema.optional(),
  taints: z.array(TaintSchema).optional(),
  zones: z
    .array(Name)
    .optional()
    .meta({ description: 'Nodes are spread round-robin over these zones (topology.kubernetes.io/zone)' }),
  region: Name.optional().meta({ description: 'Label topology.kubernetes.io/region' }),
  images: z
    .array(Name)
    .optional()
    .meta({ description: 'Images present on the nodes at start (no pull needed)' }),
  autoscaling: z
    .strictObject({
      min: NonNegativeInt.meta({ description: 'The autoscaler never removes nodes below this size' }),
      max: NonNegativeInt.meta({ description: 'The autoscaler never adds nodes beyond this size' }),
      provisioningDelay: DurationSchema.optional().meta({
        description: 'From the scale-up decision to the node registering; default 60s',
      }),
      scaleDownUnneededTime: DurationSchema.optional().meta({
        description: 'How long a node must be unneeded before it is removed; default 10m',
      }),
    })
    .optional()
    .meta({ description: 'Let the cluster autoscaler resize this pool (docs/autoscaler.md)' }),
});

export const ClusterSchema = z.strictObject({
  nodes: z
    .array(ManifestOrFile)
    .optional()
    .meta({ description: 'v1 Node manifests with status.allocatable' }),
  pools: z.array(NodePoolSchema).optional(),
});

// ---------------------------------------------------------------- scheduler, timing

export const SchedulerConfigSchema = z
  .looseObject({
    apiVersion: z.string().startsWith('kubescheduler.config.k8s.io/'),
    kind: z.literal('KubeSchedulerConfiguration'),
  })
  .meta({ description: 'Inline KubeSchedulerConfiguration' });

export const StrategyWithOptionsSchema = z
  .strictObject({
    strategy: Name.meta({ description: 'Strategy name (docs/strategies.md)' }),
    options: z.record(z.string(), z.unknown()).optional().meta({
      description: "The strategy's options (docs/strategies/<design>.md); omitted ones keep their defaults",
    }),
  })
  .meta({
    description: 'A strategy with options, e.g. {strategy: mesos-drf, options: {offerLatency: 200ms}}',
  });

export const SchedulerSchema = z
  .union([
    Name.meta({ description: 'Preset or strategy name, or a scheduler module path (.ts/.js)' }),
    FileRefSchema,
    StrategyWithOptionsSchema,
    SchedulerConfigSchema,
  ])
  .meta({
    description:
      'Preset or strategy name (docs/strategies.md), {strategy, options}, a scheduler module path (.ts/.js), inline KubeSchedulerConfiguration, or {file: path}; default: "default"',
  });

export const ImageSchema = z.strictObject({
  pullTime: DurationSchema,
  sizeBytes: QuantitySchema.optional(),
});

export const KubeletSchema = z.strictObject({
  defaultPullTime: DurationSchema.optional().meta({
    description: 'Pull time for images not in spec.images; default 5s',
  }),
  containerStartTime: DurationSchema.optional().meta({
    description: 'Image present to container running; default 1s',
  }),
  heartbeatInterval: DurationSchema.optional().meta({ description: 'Node status/lease period; default 10s' }),
  podShutdownTime: DurationSchema.optional().meta({
    description: 'Containers exit this long after SIGTERM (capped by the grace period); default 1s',
  }),
});

export const MetricsSchema = z.strictObject({
  interval: DurationSchema.optional().meta({ description: 'Sampling period of timeseries.csv; default 10s' }),
});

export const OutputsSchema = z.strictObject({
  trace: z.boolean().optional().meta({
    description: 'Write events.jsonl (every API change) by default; --trace / --no-trace override',
  }),
  decisions: z.boolean().optional().meta({
    description:
      'Write decisions.jsonl (every scheduling attempt) by default; --decisions / --no-decisions override',
  }),
});

// ---------------------------------------------------------------- timeline

export const ACTION_NAMES = [
  'scale',
  'setImage',
  'patch',
  'pauseRollout',
  'resumeRollout',
  'label',
  'failNode',
  'recoverNode',
  'rebootNode',
  'partitionNode',
  'healNode',
  'failZone',
  'recoverZone',
  'addNodes',
  'removeNode',
  'apply',
  'delete',
  'forceDelete',
  'forceDeletePod',
  'cordon',
  'uncordon',
  'drain',
  'taint',
  'untaint',
  'killPod',
  'upgradeNodes',
  'rollback',
] as const;

function targetFor(action: string) {
  return z
    .string()
    .superRefine((t, ctx) => {
      const problem = checkTarget(t, action, closest);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: problem.message, params: { hint: problem.hint } });
      }
    })
    .meta({ description: '<kind>/<name>, kubectl-style kind names, e.g. deployment/ghost, sts/web' });
}

const At = DurationSchema.meta({ description: 'When the action happens, from the start of the run' });
const Namespace = Name.optional().meta({ description: 'Namespace of the target; default "default"' });

export const RepeatSchema = z
  .strictObject({
    every: DurationSchema.meta({ description: 'Time between two runs of the action (> 0)' }),
    times: z.int().min(1).optional().meta({
      description:
        'How many times the action runs in all, the first included; default: until the end of the run',
    }),
  })
  .meta({ description: 'Run the action again and again; each run re-resolves its targets' });

export const LabelSelectorSchema = z
  .strictObject({
    matchLabels: LabelsSchema.optional(),
    matchExpressions: z
      .array(
        z.strictObject({
          key: Name,
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
          values: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  })
  .meta({ description: 'A Kubernetes label selector (matchLabels, matchExpressions)' });

export const SelectionSchema = z
  .strictObject({
    all: z.literal(true).optional().meta({ description: 'All of them (instead of a selector)' }),
    selector: LabelSelectorSchema.optional(),
    count: z.int().min(1).optional().meta({ description: 'Pick this many of the matching ones at random' }),
    percent: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .meta({ description: 'Pick this percentage of the matching ones at random, rounded up' }),
  })
  .meta({
    description:
      'Nodes (or pods) chosen when the action runs: {all: true}, or {selector: ...} with optional count or percent, drawn on the seeded stream timeline/<action index>',
  });

export const NodeTargetSchema = z
  .union([Name.meta({ description: 'One node by name' }), SelectionSchema])
  .meta({ description: 'A node name, or {all: true}, or {selector: ..., count | percent}' });

/** Fields every action has. */
const common = {
  at: At,
  repeat: RepeatSchema.optional(),
};

/** A node action's target: `node: <name>` or `nodes: <node target>`, exactly one (checked by the loader). */
const nodeFields = {
  node: Name.optional().meta({ description: 'The node, by name (or use nodes:)' }),
  nodes: NodeTargetSchema.optional(),
};

const Downtime = DurationSchema.optional().meta({
  description: 'How long the node is down; default 60s',
});

export const TimelineItemSchema = z.discriminatedUnion('action', [
  z.strictObject({
    ...common,
    action: z.literal('scale'),
    target: targetFor('scale'),
    namespace: Namespace,
    replicas: NonNegativeInt,
  }),
  z.strictObject({
    ...common,
    action: z.literal('setImage'),
    target: targetFor('setImage'),
    namespace: Namespace,
    container: Name,
    image: Name,
  }),
  z.strictObject({
    ...common,
    action: z.literal('patch'),
    target: targetFor('patch'),
    namespace: Namespace,
    patch: z.record(z.string(), z.unknown()).meta({
      description: 'A JSON merge patch (RFC 7386), as kubectl patch --type merge: null removes a field',
    }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('pauseRollout'),
    target: targetFor('pauseRollout'),
    namespace: Namespace,
  }),
  z.strictObject({
    ...common,
    action: z.literal('resumeRollout'),
    target: targetFor('resumeRollout'),
    namespace: Namespace,
  }),
  z.strictObject({
    ...common,
    action: z.literal('label'),
    target: targetFor('label').optional(),
    namespace: Namespace,
    ...nodeFields,
    labels: z
      .record(z.string().min(1), z.string().nullable())
      .meta({ description: 'Label key to value; null removes the label (kubectl label key-)' }),
  }),
  z.strictObject({ ...common, action: z.literal('failNode'), ...nodeFields }),
  z.strictObject({ ...common, action: z.literal('recoverNode'), ...nodeFields }),
  z.strictObject({ ...common, action: z.literal('rebootNode'), ...nodeFields, downtime: Downtime }),
  z.strictObject({ ...common, action: z.literal('partitionNode'), ...nodeFields }),
  z.strictObject({ ...common, action: z.literal('healNode'), ...nodeFields }),
  z.strictObject({
    ...common,
    action: z.literal('failZone'),
    zone: Name.meta({ description: 'Value of the topology.kubernetes.io/zone label' }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('recoverZone'),
    zone: Name.meta({ description: 'A zone failed by an earlier failZone' }),
  }),
  z.strictObject({ ...common, action: z.literal('addNodes'), pool: Name, count: NonNegativeInt }),
  z.strictObject({ ...common, action: z.literal('removeNode'), ...nodeFields }),
  z.strictObject({
    ...common,
    action: z.literal('apply'),
    object: ManifestSchema.optional(),
    file: Name.optional().meta({
      description: 'Manifest file (one or more documents), relative to the scenario file',
    }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('delete'),
    target: targetFor('delete'),
    namespace: Namespace,
  }),
  z.strictObject({
    ...common,
    action: z.literal('forceDelete'),
    target: targetFor('forceDelete'),
    namespace: Namespace,
  }),
  z.strictObject({
    ...common,
    action: z.literal('forceDeletePod'),
    target: targetFor('forceDeletePod'),
    namespace: Namespace,
  }),
  z.strictObject({ ...common, action: z.literal('cordon'), ...nodeFields }),
  z.strictObject({ ...common, action: z.literal('uncordon'), ...nodeFields }),
  z.strictObject({
    ...common,
    action: z.literal('drain'),
    ...nodeFields,
    force: z
      .boolean()
      .optional()
      .meta({ description: 'kubectl drain --force: also evict pods without a controller' }),
    deleteEmptyDirData: z
      .boolean()
      .optional()
      .meta({ description: 'kubectl drain --delete-emptydir-data; default true' }),
    timeout: DurationSchema.optional().meta({
      description: 'give up after this long; default: wait forever',
    }),
    gracePeriod: NonNegativeInt.optional().meta({
      description:
        "seconds each evicted pod gets to stop; default: the pod's own terminationGracePeriodSeconds",
    }),
  }),
  z.strictObject({ ...common, action: z.literal('taint'), ...nodeFields, taint: TaintSchema }),
  z.strictObject({
    ...common,
    action: z.literal('untaint'),
    ...nodeFields,
    key: Name.meta({ description: 'Remove the taints with this key' }),
    effect: TaintSchema.shape.effect.optional().meta({ description: 'Only the taint with this effect' }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('killPod'),
    target: targetFor('killPod').optional(),
    namespace: Namespace,
    pods: SelectionSchema.optional().meta({
      description: 'Running pods of the namespace: {all: true} or {selector: ..., count | percent}',
    }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('upgradeNodes'),
    nodes: NodeTargetSchema,
    batchSize: z
      .union([z.int().min(1), z.string().meta({ pattern: '^[0-9]+(\\.[0-9]+)?%$' })], {
        error: 'expected a node count or a percentage (e.g. 2 or "10%")',
      })
      .optional()
      .meta({
        description: 'Nodes upgraded at once: a count or a percentage of the nodes, rounded up; default 1',
      }),
    pause: DurationSchema.optional().meta({ description: 'Wait between batches; default 0' }),
    drainTimeout: DurationSchema.optional().meta({
      description: 'Reboot a node whose drain has not completed after this long; default: wait forever',
    }),
    downtime: Downtime,
  }),
  z.strictObject({
    ...common,
    action: z.literal('rollback'),
    target: targetFor('rollback'),
    namespace: Namespace,
    toRevision: NonNegativeInt.optional().meta({
      description: 'kubectl rollout undo --to-revision; default: the previous revision',
    }),
  }),
]);

export type TimelineItem = z.infer<typeof TimelineItemSchema>;

// ---------------------------------------------------------------- traffic

/** kubectl-style names of the kinds traffic can be sent to. */
export const TRAFFIC_TARGET_KINDS: Readonly<Record<string, 'Service' | 'Ingress'>> = {
  service: 'Service',
  services: 'Service',
  svc: 'Service',
  ingress: 'Ingress',
  ingresses: 'Ingress',
  ing: 'Ingress',
};

export const TrafficItemSchema = z.strictObject({
  target: z
    .string()
    .superRefine((t, ctx) => {
      const slash = t.indexOf('/');
      const kind = slash < 0 ? '' : t.slice(0, slash).toLowerCase();
      if (slash < 0 || !(kind in TRAFFIC_TARGET_KINDS) || slash === t.length - 1) {
        ctx.addIssue({
          code: 'custom',
          message: `traffic target ${JSON.stringify(t)} is not service/<name> or ingress/<name>`,
          params: { hint: 'e.g. service/ghost or ingress/ghost' },
        });
      }
    })
    .meta({ description: 'service/<name> or ingress/<name> (svc/, ing/ also accepted)' }),
  namespace: Namespace,
  requestsPerSecond: z.number().positive().meta({ description: 'Steady request rate sent to the target' }),
  from: DurationSchema.optional().meta({ description: 'Traffic starts at this time; default 0' }),
  to: DurationSchema.optional().meta({
    description: 'Traffic stops at this time; default: the end of the run',
  }),
});

export type TrafficItem = z.infer<typeof TrafficItemSchema>;

// ---------------------------------------------------------------- document

export const ScenarioSpecSchema = z.strictObject({
  seed: NonNegativeInt.optional().meta({ description: 'Seed of every random stream; default 1', default: 1 }),
  duration: DurationSchema.meta({ description: 'Simulated time to run' }),
  cluster: ClusterSchema.optional(),
  objects: z.array(ManifestOrFile).optional().meta({
    description: 'Objects created at t=0: manifests inline or {file: path} (multi-document, kind: List)',
  }),
  scheduler: SchedulerSchema.optional(),
  images: z
    .record(Name, ImageSchema)
    .optional()
    .meta({ description: 'Pull time and size per image reference' }),
  kubelet: KubeletSchema.optional(),
  metrics: MetricsSchema.optional(),
  outputs: OutputsSchema.optional(),
  informerDelay: DurationSchema.optional().meta({
    description: 'Time between an API change and controllers, scheduler and kubelets seeing it; default 0',
  }),
  endpointsDelay: DurationSchema.optional().meta({
    description:
      'Time for an endpoint change to reach the data plane (Endpoints controller batching plus kube-proxy); default 1s',
  }),
  timeline: z.array(TimelineItemSchema).optional(),
  traffic: z.array(TrafficItemSchema).optional().meta({
    description:
      'Request streams sent to Services or Ingresses; summary.json reports how many fail (docs/traffic.md)',
  }),
  processes: z.array(processItemSchema(DurationSchema)).optional().meta({
    description:
      'Stochastic node and zone failures, container crashes and workload arrivals (docs/processes.md)',
  }),
  include: IncludeSchema.optional(),
  params: ParamsSchema.optional(),
});

export const ScenarioSchema = z
  .strictObject({
    apiVersion: z.literal(SCENARIO_API_VERSION),
    kind: z.literal(SCENARIO_KIND),
    metadata: z.strictObject({
      name: Name,
      description: z.string().optional(),
    }),
    spec: ScenarioSpecSchema,
  })
  .meta({ title: 'kubesim scenario', description: 'A kubesim scenario file (format v1)' });

export type ScenarioDocument = z.infer<typeof ScenarioSchema>;

/** The JSON Schema written to docs/scenario.schema.json. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}

/** The exact text of docs/scenario.schema.json. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
