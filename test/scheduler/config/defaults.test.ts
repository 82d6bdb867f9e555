import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MULTI_POINT_PLUGINS,
  defaultPlugins,
  mergePluginSet,
  mergePlugins,
} from '../../../src/scheduler/config/defaults.js';
import { PLUGIN_SET_KEYS } from '../../../src/scheduler/config/types.js';

const DEFAULT_NAMES = DEFAULT_MULTI_POINT_PLUGINS.map((p) => p.name);

describe('default plugins', () => {
  it('are the upstream v1 multiPoint list, in order, with the upstream weights', () => {
    expect(DEFAULT_MULTI_POINT_PLUGINS).toEqual([
      { name: 'SchedulingGates' },
      { name: 'PrioritySort' },
      { name: 'NodeUnschedulable' },
      { name: 'NodeName' },
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      { name: 'NodePorts' },
      { name: 'NodeResourcesFit', weight: 1 },
      { name: 'VolumeRestrictions' },
      { name: 'NodeVolumeLimits' },
      { name: 'VolumeBinding' },
      { name: 'VolumeZone' },
      { name: 'PodTopologySpread', weight: 2 },
      { name: 'InterPodAffinity', weight: 2 },
      { name: 'DefaultPreemption' },
      { name: 'NodeResourcesBalancedAllocation', weight: 1 },
      { name: 'ImageLocality', weight: 1 },
      { name: 'DefaultBinder' },
    ]);
  });

  it('put everything in multiPoint and leave every other set empty', () => {
    const d = defaultPlugins();
    expect(Object.keys(d).sort()).toEqual([...PLUGIN_SET_KEYS].sort());
    for (const key of PLUGIN_SET_KEYS) {
      if (key === 'multiPoint') continue;
      expect(d[key]).toEqual({ enabled: [], disabled: [] });
    }
    expect(d.multiPoint.enabled.map((p) => p.name)).toEqual(DEFAULT_NAMES);
  });

  it('are a fresh copy each time', () => {
    const a = defaultPlugins();
    a.multiPoint.enabled[0]!.name = 'Changed';
    a.multiPoint.enabled.pop();
    expect(defaultPlugins().multiPoint.enabled.map((p) => p.name)).toEqual(DEFAULT_NAMES);
  });
});

describe('mergePluginSet (upstream mergePluginSet)', () => {
  const defaults = () => defaultPlugins().multiPoint;

  it('without a custom set keeps the defaults', () => {
    expect(mergePluginSet(defaults(), undefined)).toEqual(defaults());
    expect(mergePluginSet(defaults(), {})).toEqual(defaults());
  });

  it('drops a disabled default and records the disabled name', () => {
    const merged = mergePluginSet(defaults(), { disabled: [{ name: 'ImageLocality' }] });
    expect(merged.enabled.map((p) => p.name)).toEqual(DEFAULT_NAMES.filter((n) => n !== 'ImageLocality'));
    expect(merged.disabled).toEqual([{ name: 'ImageLocality' }]);
  });

  it('"*" drops every default and keeps only the custom plugins', () => {
    const merged = mergePluginSet(defaults(), {
      enabled: [{ name: 'PrioritySort' }, { name: 'Custom', weight: 4 }, { name: 'DefaultBinder' }],
      disabled: [{ name: '*' }],
    });
    expect(merged.enabled).toEqual([
      { name: 'PrioritySort' },
      { name: 'Custom', weight: 4 },
      { name: 'DefaultBinder' },
    ]);
    expect(merged.disabled).toEqual([{ name: '*' }]);
  });

  it('re-enabling a default with a new weight replaces it in place', () => {
    const merged = mergePluginSet(defaults(), { enabled: [{ name: 'NodeResourcesFit', weight: 5 }] });
    expect(merged.enabled.map((p) => p.name)).toEqual(DEFAULT_NAMES);
    expect(merged.enabled[7]).toEqual({ name: 'NodeResourcesFit', weight: 5 });
  });

  it('re-enabling a default without a weight drops its default weight (upstream replaces the whole entry)', () => {
    const merged = mergePluginSet(defaults(), { enabled: [{ name: 'TaintToleration' }] });
    expect(merged.enabled[4]).toEqual({ name: 'TaintToleration' });
  });

  it('disabling and re-enabling a default moves it to the end', () => {
    const merged = mergePluginSet(defaults(), {
      enabled: [{ name: 'NodeResourcesFit', weight: 5 }],
      disabled: [{ name: 'NodeResourcesFit' }],
    });
    expect(merged.enabled.map((p) => p.name)).toEqual([
      ...DEFAULT_NAMES.filter((n) => n !== 'NodeResourcesFit'),
      'NodeResourcesFit',
    ]);
    expect(merged.enabled.at(-1)).toEqual({ name: 'NodeResourcesFit', weight: 5 });
  });

  it('appends custom plugins after the defaults, in their order', () => {
    const merged = mergePluginSet(defaults(), {
      enabled: [{ name: 'B', weight: 2 }, { name: 'ImageLocality', weight: 7 }, { name: 'A' }],
    });
    expect(merged.enabled.map((p) => p.name)).toEqual([...DEFAULT_NAMES, 'B', 'A']);
    expect(merged.enabled.find((p) => p.name === 'ImageLocality')).toEqual({
      name: 'ImageLocality',
      weight: 7,
    });
  });

  it('keeps a default set’s own disabled names after the custom ones', () => {
    const merged = mergePluginSet(
      { enabled: [{ name: 'X' }, { name: 'Y' }], disabled: [{ name: 'Z' }] },
      { disabled: [{ name: 'X' }] },
    );
    expect(merged).toEqual({ enabled: [{ name: 'Y' }], disabled: [{ name: 'X' }, { name: 'Z' }] });
  });

  it('does not alias its inputs', () => {
    const custom = { enabled: [{ name: 'NodeResourcesFit', weight: 5 }] };
    const merged = mergePluginSet(defaults(), custom);
    merged.enabled[7]!.weight = 9;
    expect(custom.enabled[0]!.weight).toBe(5);
  });
});

describe('mergePlugins', () => {
  it('merges set by set; a specific point starts empty, so its plugins are just the custom ones', () => {
    const merged = mergePlugins(defaultPlugins(), {
      score: { enabled: [{ name: 'NodeResourcesFit', weight: 5 }], disabled: [{ name: 'ImageLocality' }] },
      multiPoint: { disabled: [{ name: 'VolumeZone' }] },
    });
    expect(merged.score).toEqual({
      enabled: [{ name: 'NodeResourcesFit', weight: 5 }],
      disabled: [{ name: 'ImageLocality' }],
    });
    expect(merged.multiPoint.enabled.map((p) => p.name)).toEqual(
      DEFAULT_NAMES.filter((n) => n !== 'VolumeZone'),
    );
    expect(merged.filter).toEqual({ enabled: [], disabled: [] });
  });

  it('is idempotent: merging a merged set into the defaults again changes nothing', () => {
    const custom = {
      multiPoint: {
        enabled: [
          { name: 'Custom', weight: 3 },
          { name: 'NodeAffinity', weight: 9 },
          { name: 'ImageLocality' },
        ],
        disabled: [{ name: 'ImageLocality' }, { name: 'VolumeZone' }],
      },
      filter: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeName' }] },
    };
    const once = mergePlugins(defaultPlugins(), custom);
    expect(mergePlugins(defaultPlugins(), once)).toEqual(once);
  });
});
