// `kubesim import manifests`: files and directories of real-world-shaped manifests → a scenario
// with the modelled objects, legacy apiVersions converted (one warning each), unmodelled kinds
// skipped (one note each) and a default node pool.

import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Deployment, StatefulSet } from '../../../src/api/types.js';
import { formatDiagnostic, ScenarioError } from '../../../src/scenario/diagnostics.js';
import { importManifests, type ManifestImportOptions } from '../../../src/scenario/import/manifests.js';
import { renderScenario } from '../../../src/scenario/import/output.js';
import { parseScenario } from '../../../src/scenario/load.js';

const DIR = relative(process.cwd(), join(import.meta.dirname, '..', '..', 'fixtures', 'import'));

function options(paths: string[], extra: Partial<ManifestImportOptions> = {}): ManifestImportOptions {
  return { paths, name: 'app', durationMs: 3_600_000, nodeCpu: '4', nodeMemory: '16Gi', ...extra };
}

function load(opts: ManifestImportOptions) {
  const imported = importManifests(opts);
  const text = renderScenario(imported, { header: ['test'], compact: false });
  return { imported, text, spec: parseScenario(text, 'app.yaml').spec };
}

function errorLines(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ScenarioError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
}

describe('import manifests', () => {
  test('a directory is read recursively in sorted order; only *.yaml, *.yml and *.json', () => {
    const { spec } = load(options([join(DIR, 'manifests')]));
    // app.yaml, config.json, nested/list.yml (README.txt is not a manifest file).
    expect(spec.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/web',
      'ConfigMap/settings',
      'Service/web',
      'StatefulSet/db',
    ]);
  });

  test('legacy apiVersions are written canonically with the defaults of their version', () => {
    const { spec, text, imported } = load(options([join(DIR, 'manifests')]));
    const web = spec.objects[0] as Deployment;
    expect(web.apiVersion).toBe('apps/v1');
    // extensions/v1beta1 defaults: selector from the template labels, unlimited history.
    expect(web.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(web.spec.revisionHistoryLimit).toBe(2147483647);
    expect((spec.objects[3] as StatefulSet).spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(text).not.toMatch(/extensions\/v1beta1|PetSet/);
    const warnings = imported.notes.map(formatDiagnostic).filter((l) => l.includes('is served as'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /app\.yaml:2:13: warning: extensions\/v1beta1 Deployment is served as apps\/v1 Deployment \(change apiVersion/,
      ),
      expect.stringMatching(
        /list\.yml:10:17: warning: apps\/v1beta1 PetSet is served as apps\/v1 StatefulSet/,
      ),
    ]);
  });

  test('kinds kubesim does not model are skipped with one note each, saying why', () => {
    const { imported } = load(options([join(DIR, 'manifests')]));
    const skipped = imported.notes.map(formatDiagnostic).filter((l) => l.includes('skipped'));
    expect(skipped).toEqual([
      `${join(DIR, 'manifests', 'app.yaml')}:18:7: warning: skipped ClusterRole/reader (kubesim does not model RBAC)`,
      `${join(DIR, 'manifests', 'app.yaml')}:24:7: warning: skipped CustomResourceDefinition/widgets.example.com (kubesim does not model custom resources)`,
      `${join(DIR, 'manifests', 'app.yaml')}:29:7: warning: skipped ServiceAccount/web (kubesim does not model service accounts)`,
    ]);
    expect(imported.summary).toBe('3 nodes, 4 objects from 3 files (3 skipped)');
  });

  test('the default pool is 3 nodes of 4 CPU / 16Gi; flags change it', () => {
    expect(load(options([join(DIR, 'manifests')])).spec.pools).toMatchObject([
      {
        name: 'default',
        namePrefix: 'node',
        count: 3,
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
      },
    ]);
    const custom = load(
      options([join(DIR, 'manifests', 'config.json')], { nodes: 5, nodeCpu: '8', nodeMemory: '32Gi' }),
    );
    expect(custom.spec.pools).toMatchObject([{ count: 5, allocatable: { cpu: '8', memory: '32Gi' } }]);
  });

  test('Nodes among the manifests become the cluster, without a default pool', () => {
    const { spec } = load(options([join(DIR, 'kubectl', 'nodes.json')]));
    expect(spec.nodes.map((n) => n.metadata.name)).toEqual(['worker-1', 'worker-2']);
    expect(spec.pools).toEqual([]);
  });

  test('the same input gives byte-identical output', () => {
    const a = renderScenario(importManifests(options([join(DIR, 'manifests')])), {
      header: ['h'],
      compact: false,
    });
    const b = renderScenario(importManifests(options([join(DIR, 'manifests')])), {
      header: ['h'],
      compact: false,
    });
    expect(a).toBe(b);
  });

  test('bad input is one line with file:line:col', () => {
    expect(errorLines(() => importManifests(options([join(DIR, 'bad', 'not-yaml.yaml')])))).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/import\/bad\/not-yaml\.yaml:\d+:\d+: .+ \(the file must be YAML or JSON\)$/,
      ),
    ]);
    expect(errorLines(() => importManifests(options([join(DIR, 'nope')])))).toEqual([
      `${join(DIR, 'nope')}:1:1: manifest file or directory not found (check the path)`,
    ]);
    // The same object twice (here: the same file twice) is an error at the second one.
    const file = join(DIR, 'manifests', 'config.json');
    expect(errorLines(() => importManifests(options([file, file])))).toEqual([
      `${file}:1:66: duplicate ConfigMap "default/settings" (first defined at ${file}:1:66)`,
    ]);
  });
});
