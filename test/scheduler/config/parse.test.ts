import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import type { Issue } from '../../../src/api/issue.js';
import { defaultPlugins } from '../../../src/scheduler/config/defaults.js';
import { expandProfile } from '../../../src/scheduler/config/expand.js';
import { parseSchedulerConfig, toKubeSchedulerConfiguration } from '../../../src/scheduler/config/parse.js';
import { isPresetName, PRESET_NAMES, presetConfig } from '../../../src/scheduler/config/presets.js';
import { IN_TREE } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are deliberately loose, including invalid shapes
type Any = Record<string, any>;

const HEAD = { apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration' };

function doc(fields: Any = {}): Any {
  return { ...HEAD, ...fields };
}

const errors = (issues: Issue[]) => issues.filter((i) => i.severity === 'error');

/** The single error of a document: its path, message and hint. */
function onlyError(raw: unknown): Issue {
  const { config, issues } = parseSchedulerConfig(raw);
  expect(config).toBeUndefined();
  const errs = errors(issues);
  expect(errs).toHaveLength(1);
  return errs[0]!;
}

function onlyWarning(raw: unknown): Issue {
  const { config, issues } = parseSchedulerConfig(raw);
  expect(config).toBeDefined();
  expect(errors(issues)).toEqual([]);
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

const P0 = ['profiles', 0];

describe('parseSchedulerConfig: defaults', () => {
  it('a bare document gets upstream’s defaults and one default profile', () => {
    const { config, issues } = parseSchedulerConfig(doc());
    expect(issues).toEqual([]);
    expect(config).toEqual({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      percentageOfNodesToScore: 0,
      podInitialBackoffSeconds: 1,
      podMaxBackoffSeconds: 10,
      profiles: [{ schedulerName: 'default-scheduler', plugins: defaultPlugins(), pluginConfig: {} }],
      kubesim: {
        kubernetesVersion: '1.33',
        bindDelayMs: 0,
        cycleLatency: { perCycleMicros: 0, perNodeMicros: 0 },
      },
    });
  });

  it('an empty profile list, and null fields, count as absent', () => {
    const { config, issues } = parseSchedulerConfig(
      doc({ profiles: [], percentageOfNodesToScore: null, kubesim: null }),
    );
    expect(issues).toEqual([]);
    expect(config?.profiles.map((p) => p.schedulerName)).toEqual(['default-scheduler']);
  });

  it('a sole profile without a name is the default scheduler; its own percentage is kept apart', () => {
    const { config } = parseSchedulerConfig(
      doc({ percentageOfNodesToScore: 30, profiles: [{ percentageOfNodesToScore: 70 }] }),
    );
    expect(config?.percentageOfNodesToScore).toBe(30);
    expect(config?.profiles[0]).toMatchObject({
      schedulerName: 'default-scheduler',
      percentageOfNodesToScore: 70,
    });
  });

  it('a profile without its own percentage leaves it undefined (the global value applies)', () => {
    const { config } = parseSchedulerConfig(doc({ percentageOfNodesToScore: 30 }));
    expect(config?.profiles[0]).not.toHaveProperty('percentageOfNodesToScore');
  });

  it('reads the kubesim settings', () => {
    const { config, issues } = parseSchedulerConfig(
      doc({
        kubesim: {
          kubernetesVersion: '1.31',
          bindDelay: '250ms',
          cycleLatency: { perCycleMicros: 800, perNodeMicros: 2.5 },
        },
      }),
    );
    expect(issues).toEqual([]);
    expect(config?.kubesim).toEqual({
      kubernetesVersion: '1.31',
      bindDelayMs: 250,
      cycleLatency: { perCycleMicros: 800, perNodeMicros: 2.5 },
    });
    expect(parseSchedulerConfig(doc({ kubesim: { bindDelay: 40 } })).config?.kubesim.bindDelayMs).toBe(40);
  });

  it('accepts and ignores upstream fields that do not change decisions', () => {
    const { config, issues } = parseSchedulerConfig(
      doc({
        parallelism: 16,
        leaderElection: { leaderElect: false },
        clientConnection: { kubeconfig: '/etc/kubernetes/scheduler.conf' },
        enableProfiling: true,
        enableContentionProfiling: true,
        delayCacheUntilActive: false,
        extenders: [],
      }),
    );
    expect(issues).toEqual([]);
    expect(config).toBeDefined();
  });

  it('keeps plugin args as written, dropping their own apiVersion/kind', () => {
    const args = { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }] } };
    const raw = doc({
      profiles: [
        {
          pluginConfig: [
            {
              name: 'NodeResourcesFit',
              args: { apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'NodeResourcesFitArgs', ...args },
            },
            { name: 'ImageLocality' },
          ],
        },
      ],
    });
    const { config, issues } = parseSchedulerConfig(raw);
    expect(issues).toEqual([]);
    expect(config?.profiles[0]?.pluginConfig).toEqual({ NodeResourcesFit: args, ImageLocality: {} });
    // A copy: changing the input later does not reach the config.
    raw.profiles[0].pluginConfig[0].args.scoringStrategy.type = 'LeastAllocated';
    expect(config?.profiles[0]?.pluginConfig.NodeResourcesFit).toEqual({
      scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }] },
    });
  });

  it('reads v1beta3 as v1, with a warning', () => {
    const w = onlyWarning(doc({ apiVersion: 'kubescheduler.config.k8s.io/v1beta3' }));
    expect(w.path).toEqual(['apiVersion']);
    expect(w.message).toContain('removed in Kubernetes 1.29');
  });
});

describe('parseSchedulerConfig: errors and warnings point at the field', () => {
  it('a document that is not a mapping', () => {
    expect(onlyError('default').path).toEqual([]);
    expect(onlyError([doc()]).message).toContain('must be a mapping, got a list');
  });

  it('apiVersion and kind', () => {
    expect(onlyError({ kind: 'KubeSchedulerConfiguration' })).toMatchObject({
      path: ['apiVersion'],
      message: 'apiVersion is required',
    });
    expect(onlyError(doc({ apiVersion: 'kubescheduler.config.k8s.io/v1beta2' })).message).toBe(
      'apiVersion "kubescheduler.config.k8s.io/v1beta2" is not supported',
    );
    expect(onlyError(doc({ kind: 'KubeSchedulerconfiguration' }))).toMatchObject({
      path: ['kind'],
      hint: 'kinds are case-sensitive: KubeSchedulerConfiguration',
    });
  });

  it('unknown fields, with the field they most likely meant', () => {
    expect(onlyError(doc({ profile: [] }))).toMatchObject({
      path: ['profile'],
      message: 'unknown field "profile"',
      hint: 'did you mean "profiles"?',
    });
    expect(onlyError(doc({ profiles: [{ plugins: { score: { enable: [] } } }] }))).toMatchObject({
      path: [...P0, 'plugins', 'score', 'enable'],
      hint: 'did you mean "enabled"?',
    });
    expect(onlyError(doc({ profiles: [{ plugins: { Score: {} } }] })).hint).toBe('did you mean "score"?');
    expect(onlyError(doc({ profiles: [{ pluginConfigs: [] }] })).hint).toBe('did you mean "pluginConfig"?');
    expect(onlyError(doc({ profiles: [{ xyz: 1 }] })).hint).toBe(
      'valid fields here: schedulerName, percentageOfNodesToScore, plugins, pluginConfig',
    );
  });

  it('profile fields written at the top level', () => {
    const e = onlyError(doc({ plugins: {} }));
    expect(e.path).toEqual(['plugins']);
    expect(e.hint).toContain('it belongs to a profile');
    expect(onlyError(doc({ bindDelay: '1s' })).hint).toContain('under the top-level key kubesim');
  });

  it('percentageOfNodesToScore out of 0..100, globally and per profile', () => {
    expect(onlyError(doc({ percentageOfNodesToScore: 101 }))).toMatchObject({
      path: ['percentageOfNodesToScore'],
      message: 'percentageOfNodesToScore must be between 0 and 100, got 101',
    });
    expect(onlyError(doc({ profiles: [{ percentageOfNodesToScore: -1 }] })).path).toEqual([
      ...P0,
      'percentageOfNodesToScore',
    ]);
    expect(onlyError(doc({ percentageOfNodesToScore: 12.5 })).message).toContain('must be an integer');
  });

  it('backoff', () => {
    expect(onlyError(doc({ podInitialBackoffSeconds: 0 }))).toMatchObject({
      path: ['podInitialBackoffSeconds'],
      message: 'podInitialBackoffSeconds must be greater than 0, got 0',
    });
    expect(onlyError(doc({ podInitialBackoffSeconds: 8, podMaxBackoffSeconds: 5 }))).toMatchObject({
      path: ['podMaxBackoffSeconds'],
      message: 'podMaxBackoffSeconds must be >= podInitialBackoffSeconds (8), got 5',
    });
    // The default max is 10: point at the field that was written.
    expect(onlyError(doc({ podInitialBackoffSeconds: 20 })).path).toEqual(['podInitialBackoffSeconds']);
    expect(parseSchedulerConfig(doc({ podInitialBackoffSeconds: 10 })).issues).toEqual([]);
  });

  it('profile names: required with several profiles, non-empty, unique', () => {
    expect(onlyError(doc({ profiles: [{ schedulerName: 'a' }, {}] })).path).toEqual([
      'profiles',
      1,
      'schedulerName',
    ]);
    expect(onlyError(doc({ profiles: [{ schedulerName: '' }] }))).toMatchObject({
      path: [...P0, 'schedulerName'],
      message: 'profiles[0].schedulerName is required',
    });
    expect(
      onlyError(doc({ profiles: [{ schedulerName: 'a' }, { schedulerName: 'b' }, { schedulerName: 'a' }] })),
    ).toMatchObject({
      path: ['profiles', 2, 'schedulerName'],
      message: 'profiles[2].schedulerName "a" is already the name of profiles[0]',
    });
  });

  it('plugin lists', () => {
    const at = (plugins: Any) => onlyError(doc({ profiles: [{ plugins }] }));
    expect(at({ score: [{ name: 'X' }] })).toMatchObject({
      path: [...P0, 'plugins', 'score'],
      hint: 'write score: {enabled: [{name: ...}], disabled: [{name: ...}]}',
    });
    expect(at({ filter: { enabled: ['NodeName'] } })).toMatchObject({
      path: [...P0, 'plugins', 'filter', 'enabled', 0],
      hint: 'write - name: NodeName',
    });
    expect(at({ filter: { enabled: [{ weight: 1 }] } }).path).toEqual([
      ...P0,
      'plugins',
      'filter',
      'enabled',
      0,
      'name',
    ]);
    expect(at({ filter: { enabled: [{ name: 'NodeName' }, { name: 'NodeName' }] } })).toMatchObject({
      path: [...P0, 'plugins', 'filter', 'enabled', 1, 'name'],
      message: 'profiles[0].plugins.filter.enabled[1].name lists "NodeName" again (first at index 0)',
    });
    expect(at({ multiPoint: { enabled: [{ name: '*' }] } }).message).toContain(
      'cannot be "*" in an enabled list',
    );
    expect(at({ filter: { enabled: [{ name: 'EBSLimits' }] } })).toMatchObject({
      path: [...P0, 'plugins', 'filter', 'enabled', 0, 'name'],
      hint: 'use NodeVolumeLimits, which is a default plugin',
    });
  });

  it('weights: integers >= 0', () => {
    const at = (weight: unknown) =>
      onlyError(
        doc({ profiles: [{ plugins: { score: { enabled: [{ name: 'ImageLocality', weight }] } } }] }),
      );
    const path = [...P0, 'plugins', 'score', 'enabled', 0, 'weight'];
    expect(at(-1)).toMatchObject({
      path,
      message: `${fieldPath(path)} must be an integer >= 0 (0 means 1), got -1`,
    });
    expect(at('5')).toMatchObject({ path, hint: 'do not quote numbers' });
    expect(at(1.5).path).toEqual(path);
    // 0 and large weights are valid, as upstream.
    for (const weight of [0, 100, 1000]) {
      expect(
        parseSchedulerConfig(
          doc({ profiles: [{ plugins: { score: { enabled: [{ name: 'ImageLocality', weight }] } } }] }),
        ).issues,
      ).toEqual([]);
    }
  });

  it('pluginConfig', () => {
    const at = (pluginConfig: unknown) => onlyError(doc({ profiles: [{ pluginConfig }] }));
    expect(at([{ name: 'NodeResourcesFit' }, { name: 'NodeResourcesFit' }])).toMatchObject({
      path: [...P0, 'pluginConfig', 1, 'name'],
      message:
        'profiles[0].pluginConfig[1].name "NodeResourcesFit" is configured twice (first at pluginConfig[0])',
    });
    expect(at([{ name: 'NodeResourcesFit', args: [] }]).path).toEqual([...P0, 'pluginConfig', 0, 'args']);
    expect(at([{ name: 'NodeResourcesFit', args: { kind: 'NodeAffinityArgs' } }]).path).toEqual([
      ...P0,
      'pluginConfig',
      0,
      'args',
      'kind',
    ]);
    expect(at([{ args: {} }]).path).toEqual([...P0, 'pluginConfig', 0, 'name']);
    expect(at([{ name: 'GCEPDLimits', args: {} }]).path).toEqual([...P0, 'pluginConfig', 0, 'name']);
  });

  it('the queue sort must be the same in every profile', () => {
    const sorter = { queueSort: { enabled: [{ name: 'MySort' }], disabled: [{ name: '*' }] } };
    expect(
      onlyError(
        doc({
          profiles: [{ schedulerName: 'a' }, { schedulerName: 'b', plugins: sorter }],
        }),
      ),
    ).toMatchObject({
      path: ['profiles', 1, 'plugins', 'queueSort'],
      message: 'profiles[1].plugins.queueSort must be the same for all profiles',
    });
    const args = (order: string) => [{ name: 'MySort', args: { order } }];
    expect(
      onlyError(
        doc({
          profiles: [
            { schedulerName: 'a', plugins: sorter, pluginConfig: args('asc') },
            { schedulerName: 'b', plugins: sorter, pluginConfig: args('desc') },
          ],
        }),
      ).path,
    ).toEqual(['profiles', 1, 'pluginConfig', 0, 'args']);
    expect(
      parseSchedulerConfig(
        doc({
          profiles: [
            { schedulerName: 'a', plugins: sorter, pluginConfig: args('asc') },
            { schedulerName: 'b', plugins: sorter, pluginConfig: args('asc') },
          ],
        }),
      ).issues,
    ).toEqual([]);
  });

  it('two queue sort plugins in one profile', () => {
    expect(
      onlyError(doc({ profiles: [{ plugins: { queueSort: { enabled: [{ name: 'A' }, { name: 'B' }] } } }] }))
        .path,
    ).toEqual([...P0, 'plugins', 'queueSort', 'enabled']);
  });

  it('kubesim settings', () => {
    expect(onlyError(doc({ kubesim: { kubernetesVersion: 1.3 } }))).toMatchObject({
      path: ['kubesim', 'kubernetesVersion'],
      hint: 'quote it, e.g. "1.33": unquoted, 1.30 reads as the number 1.3',
    });
    expect(onlyError(doc({ kubesim: { kubernetesVersion: 'latest' } })).path).toEqual([
      'kubesim',
      'kubernetesVersion',
    ]);
    expect(onlyError(doc({ kubesim: { bindDelay: '5' } }))).toMatchObject({
      path: ['kubesim', 'bindDelay'],
      message: 'kubesim.bindDelay is not a valid duration: "5": missing unit',
    });
    expect(onlyError(doc({ kubesim: { cycleLatency: { perNodeMicros: -2 } } })).path).toEqual([
      'kubesim',
      'cycleLatency',
      'perNodeMicros',
    ]);
    expect(onlyError(doc({ kubesim: { cycleLatency: { perNodeMicro: 2 } } }))).toMatchObject({
      path: ['kubesim', 'cycleLatency', 'perNodeMicro'],
      hint: 'did you mean "perNodeMicros"?',
    });
  });

  it('extenders are not supported', () => {
    expect(onlyError(doc({ extenders: [{ urlPrefix: 'http://x' }] })).path).toEqual(['extenders']);
  });

  it('several problems are all reported', () => {
    const { config, issues } = parseSchedulerConfig(
      doc({ percentageOfNodesToScore: 200, podInitialBackoffSeconds: -1, profiles: [{ schedulerName: 7 }] }),
    );
    expect(config).toBeUndefined();
    expect(errors(issues).map((i) => i.path)).toEqual([
      ['percentageOfNodesToScore'],
      ['podInitialBackoffSeconds'],
      [...P0, 'schedulerName'],
    ]);
  });

  it('warnings: ignored weights, disables that disable nothing, unused pluginConfig', () => {
    expect(
      onlyWarning(doc({ profiles: [{ plugins: { filter: { enabled: [{ name: 'X', weight: 2 }] } } }] })),
    ).toMatchObject({
      path: [...P0, 'plugins', 'filter', 'enabled', 0, 'weight'],
      message: 'profiles[0].plugins.filter.enabled[0].weight is ignored',
    });
    expect(
      onlyWarning(doc({ profiles: [{ plugins: { score: { disabled: [{ name: 'NodeResourceFit' }] } } }] }))
        .path,
    ).toEqual([...P0, 'plugins', 'score', 'disabled', 0, 'name']);
    expect(
      onlyWarning(doc({ profiles: [{ pluginConfig: [{ name: 'Coscheduling', args: {} }] }] })),
    ).toMatchObject({
      path: [...P0, 'pluginConfig', 0, 'name'],
      message:
        'profiles[0].pluginConfig[0].name configures "Coscheduling", which is not enabled in this profile, so its args are unused',
    });
    // Disabling a default, or a plugin enabled through multiPoint, is meaningful: no warning.
    expect(
      parseSchedulerConfig(
        doc({
          profiles: [
            {
              plugins: {
                multiPoint: { enabled: [{ name: 'X' }] },
                score: { disabled: [{ name: 'X' }, { name: 'ImageLocality' }] },
              },
            },
          ],
        }),
      ).issues,
    ).toEqual([]);
  });
});

function fieldPath(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

describe('presets', () => {
  it('are default, binpack and spread', () => {
    expect(PRESET_NAMES).toEqual(['default', 'binpack', 'spread']);
    expect(isPresetName('binpack')).toBe(true);
    expect(isPresetName('bin-pack')).toBe(false);
    expect(() => presetConfig('nope' as never)).toThrow(
      'unknown scheduler preset "nope" (available: default, binpack, spread)',
    );
  });

  for (const name of PRESET_NAMES) {
    it(`${name} parses without issues and expands`, () => {
      const { config, issues } = parseSchedulerConfig(presetConfig(name));
      expect(issues).toEqual([]);
      expect(config?.profiles).toHaveLength(1);
      const profile = config!.profiles[0]!;
      expect(profile.schedulerName).toBe('default-scheduler');
      expect(profile.plugins).toEqual(defaultPlugins());
      expect(() => expandProfile(profile, IN_TREE)).not.toThrow();
    });
  }

  it('default is upstream’s defaults', () => {
    expect(parseSchedulerConfig(presetConfig('default')).config).toEqual(parseSchedulerConfig(doc()).config);
  });

  it('binpack scores with MostAllocated', () => {
    const profile = parseSchedulerConfig(presetConfig('binpack')).config!.profiles[0]!;
    expect(profile.pluginConfig).toEqual({
      NodeResourcesFit: {
        scoringStrategy: {
          type: 'MostAllocated',
          resources: [
            { name: 'cpu', weight: 1 },
            { name: 'memory', weight: 1 },
          ],
        },
      },
    });
    expect(expandProfile(profile, IN_TREE).scoreWeights.NodeResourcesBalancedAllocation).toBe(1);
  });

  it('spread scores with LeastAllocated and spreads over zones and nodes', () => {
    const profile = parseSchedulerConfig(presetConfig('spread')).config!.profiles[0]!;
    expect(profile.pluginConfig.NodeResourcesFit).toMatchObject({
      scoringStrategy: { type: 'LeastAllocated' },
    });
    expect(profile.pluginConfig.PodTopologySpread).toEqual({
      defaultConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
      ],
      defaultingType: 'List',
    });
  });

  it('return a fresh object each time', () => {
    const a = presetConfig('binpack');
    a.profiles![0]!.pluginConfig = [];
    expect(presetConfig('binpack').profiles![0]!.pluginConfig).toHaveLength(1);
  });
});

// ------------------------------------------------------------------ a realistic configuration

const REALISTIC = `
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
leaderElection:
  leaderElect: true
clientConnection:
  kubeconfig: /etc/kubernetes/scheduler.conf
percentageOfNodesToScore: 50
podInitialBackoffSeconds: 2
podMaxBackoffSeconds: 20
profiles:
  - schedulerName: default-scheduler
    plugins:
      score:
        disabled:
          - name: ImageLocality
        enabled:
          - name: NodeResourcesFit
            weight: 5
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources:
              - name: cpu
                weight: 2
              - name: memory
                weight: 1
  - schedulerName: batch-scheduler
    percentageOfNodesToScore: 100
    plugins:
      multiPoint:
        enabled:
          - name: TaintToleration
            weight: 1
        disabled:
          - name: PodTopologySpread
      preScore:
        disabled:
          - name: "*"
    pluginConfig:
      - name: DefaultPreemption
        args:
          minCandidateNodesPercentage: 20
          minCandidateNodesAbsolute: 50
kubesim:
  kubernetesVersion: "1.33"
  bindDelay: 50ms
  cycleLatency:
    perCycleMicros: 1000
    perNodeMicros: 15
`;

describe('a realistic configuration', () => {
  const parsed = parseSchedulerConfig(parseYaml(REALISTIC));

  it('parses without issues', () => {
    expect(parsed.issues).toEqual([]);
    const config = parsed.config!;
    expect(config).toMatchObject({
      percentageOfNodesToScore: 50,
      podInitialBackoffSeconds: 2,
      podMaxBackoffSeconds: 20,
      kubesim: {
        kubernetesVersion: '1.33',
        bindDelayMs: 50,
        cycleLatency: { perCycleMicros: 1000, perNodeMicros: 15 },
      },
    });
    expect(config.profiles.map((p) => p.schedulerName)).toEqual(['default-scheduler', 'batch-scheduler']);
    expect(config.profiles[1]!.percentageOfNodesToScore).toBe(100);
    expect(config.profiles[0]!.pluginConfig.NodeResourcesFit).toMatchObject({
      scoringStrategy: { type: 'MostAllocated' },
    });
  });

  it('expands each profile as upstream would', () => {
    const [a, b] = parsed.config!.profiles.map((p) => expandProfile(p, IN_TREE));
    expect(a!.points.score).toEqual([
      'NodeResourcesFit',
      'TaintToleration',
      'NodeAffinity',
      'VolumeBinding',
      'PodTopologySpread',
      'InterPodAffinity',
      'NodeResourcesBalancedAllocation',
    ]);
    expect(a!.scoreWeights).toMatchObject({ NodeResourcesFit: 5, TaintToleration: 3 });
    expect(b!.points.preScore).toEqual([]);
    expect(b!.points.filter).not.toContain('PodTopologySpread');
    expect(b!.points.score).toEqual([
      'TaintToleration',
      'NodeAffinity',
      'NodeResourcesFit',
      'VolumeBinding',
      'InterPodAffinity',
      'NodeResourcesBalancedAllocation',
      'ImageLocality',
    ]);
    expect(b!.scoreWeights.TaintToleration).toBe(1);
  });

  it('round-trips through toKubeSchedulerConfiguration and YAML text', () => {
    const raw = toKubeSchedulerConfiguration(parsed.config!);
    const again = parseSchedulerConfig(raw);
    expect(again.issues).toEqual([]);
    expect(again.config).toEqual(parsed.config);
    const viaText = parseSchedulerConfig(parseYaml(stringify(raw)));
    expect(viaText.issues).toEqual([]);
    expect(viaText.config).toEqual(parsed.config);
    // And the written form is stable.
    expect(toKubeSchedulerConfiguration(again.config!)).toEqual(raw);
  });
});
