// Composition (scenario/compose.ts): include merges other scenarios and manifest globs, params
// fill ${params.x} references, --set overrides; diagnostics point into the file the value came
// from (or at the --set argument).

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { checkScenario, type LoadOptions, parseScenario } from '../../src/scenario/load.js';
import { HEAD, memoryFiles } from './helpers.js';

const SCENARIO = 'apiVersion: kubesim.io/v1alpha1\nkind: Scenario\n';
const POOL = (name: string, count: number | string) =>
  `      - {name: ${name}, count: ${count}, allocatable: {cpu: "4", memory: 16Gi, pods: "110"}}\n`;
/** `${params.<name>}`, quoted for YAML flow mappings. */
const ref = (name: string) => `"\${params.${name}}"`;
const CM = (name: string) => `    - {apiVersion: v1, kind: ConfigMap, metadata: {name: ${name}}}\n`;

const files = {
  'mem/base.yaml': `${SCENARIO}spec:
  seed: 7
  duration: 1h
  params: {nodes: 3, image: "nginx:1.25"}
  kubelet: {containerStartTime: 2s, podShutdownTime: 3s}
  cluster:
    pools:
${POOL('base', ref('nodes'))}  objects:
${CM('from-base')}  timeline:
    - {at: 10m, action: addNodes, pool: base, count: 1}
    - {at: 30m, action: addNodes, pool: base, count: 2}
`,
  'mem/lib/extra.yaml': `${SCENARIO}spec:
  cluster:
    pools:
${POOL('extra', 1)}  objects:
    - {file: cm.yaml}
`,
  'mem/lib/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-extra-file}\n',
};

const main = `${HEAD}spec:
  include: [base.yaml, {file: lib/extra.yaml}]
  duration: 2h
  params: {nodes: 5}
  kubelet: {containerStartTime: 4s}
  objects:
${CM('from-main')}  timeline:
    - {at: 20m, action: addNodes, pool: extra, count: 1}
`;

const load = (text: string, extra: Record<string, string> = {}, options: LoadOptions = {}) =>
  parseScenario(text, 'mem/main.yaml', memoryFiles({ ...files, ...extra }), options);

const errors = (text: string, extra: Record<string, string> = {}, options: LoadOptions = {}) =>
  checkScenario(text, 'mem/main.yaml', memoryFiles({ ...files, ...extra }), options)
    .diagnostics.filter((d) => d.severity === 'error')
    .map(formatDiagnostic);

describe('include', () => {
  it('merges lists (appended, includes first), mappings (key by key) and scalars (later wins)', () => {
    const { spec } = load(main);
    expect(spec.pools.map((p) => `${p.name}:${p.count}`)).toEqual(['base:5', 'extra:1']);
    expect(spec.objects.map((o) => o.metadata.name)).toEqual(['from-base', 'from-extra-file', 'from-main']);
    expect(spec.durationMs).toBe(2 * 3_600_000);
    expect(spec.seed).toBe(7);
    expect(spec.kubelet.containerStartMs).toBe(4000);
    expect(spec.kubelet.podShutdownMs).toBe(3000);
    expect(spec.name).toBe('t');
    // Timeline merged by time; equal times keep include order.
    expect(spec.timeline.map((a) => a.at / 60_000)).toEqual([10, 20, 30]);
  });

  it('a scheduler module path in an included file is relative to that file', () => {
    const frag = `${HEAD}spec:\n  scheduler: ./my-scheduler.ts\n`;
    const { spec } = load(`${HEAD}spec:\n  include: [lib/sched.yaml]\n  duration: 1h\n`, {
      'mem/lib/sched.yaml': frag,
      'mem/lib/my-scheduler.ts': 'export const plugins = {};',
    });
    expect(spec.scheduler).toBe('mem/lib/my-scheduler.ts');
  });

  it('a problem in an included file points into that file', () => {
    const broken = { 'mem/lib/extra.yaml': files['mem/lib/extra.yaml'].replace('count: 1', 'count: -1') };
    expect(errors(main, broken)).toEqual([
      // The pool is dropped, so the main file's addNodes names an unknown pool.
      'mem/main.yaml:12:41: unknown pool "extra" (pools: base)',
      'mem/lib/extra.yaml:6:30: spec.cluster.pools[1].count must be >= 0, got -1',
    ]);
  });

  it('duplicates across files name the first definition', () => {
    const dup = { 'mem/lib/extra.yaml': files['mem/lib/extra.yaml'].replace('name: extra', 'name: base') };
    expect(errors(main, dup)).toEqual([
      'mem/main.yaml:12:41: unknown pool "extra" (pools: base)',
      'mem/lib/extra.yaml:6:16: duplicate pool "base" (first defined at mem/base.yaml:10:16)',
    ]);
  });

  it('timeline actions from an included file keep their source', () => {
    const { spec } = load(main);
    expect(spec.timeline[0]!.source).toEqual({ file: 'mem/base.yaml', line: 14, col: 7 });
    expect(spec.timeline[1]!.source).toEqual({ file: 'mem/main.yaml', line: 12, col: 7 });
  });

  it('an include cycle is an error with the chain', () => {
    const cyclic = {
      'mem/a.yaml': `${SCENARIO}spec:\n  include: [b.yaml]\n`,
      'mem/b.yaml': `${SCENARIO}spec:\n  include: [a.yaml]\n`,
    };
    expect(errors(`${HEAD}spec:\n  duration: 1h\n  include: [a.yaml]\n`, cyclic)).toEqual([
      'mem/b.yaml:4:13: include cycle: mem/a.yaml → mem/b.yaml → mem/a.yaml (a file must not include itself, directly or through other files)',
    ]);
  });

  it('a missing or non-scenario include is reported at the entry', () => {
    expect(errors(`${HEAD}spec:\n  duration: 1h\n  include: [nope.yaml, lib/cm.yaml]\n`)).toEqual([
      'mem/main.yaml:6:13: file not found: "nope.yaml" (looked for mem/nope.yaml; paths are relative to the including file)',
      'mem/lib/cm.yaml:1:1: an included file must be a scenario (apiVersion: kubesim.io/v1alpha1, kind: Scenario) (include Kubernetes manifests with {manifests: path-or-glob})',
    ]);
  });

  it('{manifests: glob} appends the matching files, sorted, to the objects', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubesim-compose-'));
    mkdirSync(path.join(dir, 'k8s'));
    for (const n of ['b', 'a', 'c']) {
      writeFileSync(
        path.join(dir, 'k8s', `${n}.yaml`),
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\n`,
      );
    }
    const file = path.join(dir, 'main.yaml');
    const text = `${HEAD}spec:\n  duration: 1h\n  include: [{manifests: "k8s/*.yaml"}]\n`;
    const { spec } = parseScenario(text, file);
    expect(spec.objects.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    const none = checkScenario(text.replace('k8s/*', 'k9s/*'), file).diagnostics.map(formatDiagnostic);
    expect(none).toEqual([`${file}:6:25: no file matches "k9s/*.yaml" (globs are relative to ${dir})`]);
  });
});

describe('params', () => {
  it('a whole-value reference keeps the type; inside a string it is text', () => {
    const text = `${HEAD}spec:
  duration: 1h
  params: {n: 2, tag: "1.25"}
  cluster:
    pools:
${POOL(`"p-\${params.n}"`, ref('n'))}`;
    expect(load(text).spec.pools.map((p) => [p.name, p.count])).toEqual([['p-2', 2]]);
  });

  it('an unknown parameter is an error where it is used, with a did-you-mean', () => {
    const text = `${HEAD}spec:\n  duration: 1h\n  params: {nodes: 2}\n  cluster:\n    pools:\n${POOL('p', ref('ndoes'))}`;
    expect(errors(text).filter((e) => e.includes('parameter'))).toEqual([
      'mem/main.yaml:9:26: unknown parameter "ndoes" (did you mean nodes?)',
    ]);
  });

  it('a doubled $ escapes a reference', () => {
    const text = `${HEAD}spec:\n  duration: 1h\n  params: {n: 2}\n  objects:\n    - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: "$\${params.n}-\${params.n}"}}\n`;
    expect((load(text).spec.objects[0] as unknown as { data: { k: string } }).data.k).toBe(`\${params.n}-2`);
  });
});

describe('--set', () => {
  it('overrides a parameter (YAML scalar) and any field by path; pools by index or by name', () => {
    const { spec } = load(
      main,
      {},
      {
        set: [
          'params.nodes=9',
          'spec.duration=3h',
          'spec.cluster.pools.extra.count=4',
          'spec.cluster.pools.0.zones=[a, b]',
        ],
      },
    );
    expect(spec.pools.map((p) => `${p.name}:${p.count}:${p.zones.join('+')}`)).toEqual([
      'base:9:a+b',
      'extra:4:',
    ]);
    expect(spec.durationMs).toBe(3 * 3_600_000);
  });

  it('unknown parameters, items and fields are errors at the argument, with a did-you-mean', () => {
    expect(
      errors(
        main,
        {},
        {
          set: [
            'params.ndoes=1',
            'spec.cluster.pools.extar.count=2',
            'spec.sed=3',
            'spec.duration=soon',
            'replicas',
          ],
        },
      ),
    ).toEqual([
      '--set params.ndoes=1:1:14: unknown parameter "ndoes" (did you mean nodes?)',
      '--set spec.cluster.pools.extar.count=2:1:32: spec.cluster.pools has no item named "extar" (did you mean extra?)',
      '--set replicas:1:1: --set "replicas" is not <path>=<value> (e.g. --set params.replicas=5)',
      expect.stringMatching(/^--set spec\.duration=soon:1:15: spec\.duration: invalid duration "soon"/),
      '--set spec.sed=3:1:10: unknown field "spec.sed" (did you mean "seed"?)',
    ]);
  });
});
