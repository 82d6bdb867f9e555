import { describe, expect, it } from 'vitest';
import { defaultPlugins, mergePlugins } from '../../../src/scheduler/config/defaults.js';
import { expandProfile, ProfileConfigError } from '../../../src/scheduler/config/expand.js';
import {
  EXTENSION_POINTS,
  type ExtensionPoint,
  type RawPlugins,
} from '../../../src/scheduler/config/types.js';
import { IN_TREE, implementsFrom } from './helpers.js';

type Points = Partial<Record<ExtensionPoint, string[]>>;

/** Every point listed, empty ones included, so a table only has to name the non-empty ones. */
function allPoints(p: Points): Record<ExtensionPoint, string[]> {
  const out = {} as Record<ExtensionPoint, string[]>;
  for (const point of EXTENSION_POINTS) out[point] = p[point] ?? [];
  return out;
}

// ------------------------------------------------------------------ upstream's expansion table
//
// The cases of upstream's TestNewFrameworkMultiPointExpansion, restated. "All" implements every
// point but preEnqueue; "ScoreA" has preScore and score; "ScoreB" and "ScoreC" only score;
// "Sorter" only queueSort; "Binder" only bind. The profiles are given as the framework receives
// them (already merged), so multiPoint.disabled plays no part.

const ALL: readonly ExtensionPoint[] = EXTENSION_POINTS.filter((p) => p !== 'preEnqueue');
const FAKE = implementsFrom({
  All: ALL,
  ScoreA: ['preScore', 'score'],
  ScoreB: ['score'],
  ScoreC: ['score'],
  Sorter: ['queueSort'],
  Binder: ['bind'],
});

/** "All" everywhere it fits, plus the given overrides. */
function withAll(overrides: Points): Points {
  const out: Points = {};
  for (const point of ALL) out[point] = ['All'];
  return { ...out, ...overrides };
}

interface Case {
  name: string;
  plugins: RawPlugins;
  points?: Points;
  weights?: Record<string, number>;
  error?: string;
}

const CASES: Case[] = [
  {
    name: 'a multiPoint plugin lands at every point it implements, with its weight at score',
    plugins: { multiPoint: { enabled: [{ name: 'All', weight: 5 }] } },
    points: withAll({}),
    weights: { All: 5 },
  },
  {
    name: 'a multiPoint plugin disabled at some points is left out there',
    plugins: {
      multiPoint: { enabled: [{ name: 'All' }] },
      preScore: { disabled: [{ name: 'All' }] },
      score: { disabled: [{ name: 'All' }] },
    },
    points: withAll({ preScore: [], score: [] }),
    weights: {},
  },
  {
    name: 'several multiPoint plugins keep the multiPoint order',
    plugins: { multiPoint: { enabled: [{ name: 'All' }, { name: 'ScoreA' }] } },
    points: withAll({ preScore: ['All', 'ScoreA'], score: ['All', 'ScoreA'] }),
    weights: { All: 1, ScoreA: 1 },
  },
  {
    name: '"*" disabled at a point skips the expansion there',
    plugins: {
      multiPoint: { enabled: [{ name: 'All' }, { name: 'ScoreA' }] },
      preScore: { disabled: [{ name: '*' }] },
    },
    points: withAll({ preScore: [], score: ['All', 'ScoreA'] }),
  },
  {
    name: 'plugins also enabled at the point come first, in the point’s order',
    plugins: {
      multiPoint: { enabled: [{ name: 'ScoreB' }, { name: 'All' }, { name: 'ScoreA' }] },
      score: { enabled: [{ name: 'ScoreA' }, { name: 'All' }] },
    },
    points: withAll({ preScore: ['All', 'ScoreA'], score: ['ScoreA', 'All', 'ScoreB'] }),
    weights: { ScoreA: 1, All: 1, ScoreB: 1 },
  },
  {
    name: 'a point’s own plugin not in multiPoint goes after the multiPoint plugins',
    plugins: {
      multiPoint: { enabled: [{ name: 'All' }, { name: 'ScoreA' }] },
      score: { enabled: [{ name: 'ScoreB' }, { name: 'ScoreA' }, { name: 'All' }] },
    },
    points: withAll({ preScore: ['All', 'ScoreA'], score: ['ScoreA', 'All', 'ScoreB'] }),
  },
  {
    name: 'the score list’s weights override the multiPoint weights',
    plugins: {
      multiPoint: { enabled: [{ name: 'All' }, { name: 'ScoreA' }] },
      score: {
        enabled: [
          { name: 'ScoreA', weight: 5 },
          { name: 'All', weight: 3 },
        ],
      },
    },
    points: withAll({ preScore: ['All', 'ScoreA'], score: ['ScoreA', 'All'] }),
    weights: { ScoreA: 5, All: 3 },
  },
  {
    name: 'multiPoint.disabled "*" is ignored by the expansion (mergePlugins has applied it)',
    plugins: {
      multiPoint: {
        enabled: [{ name: 'Sorter' }, { name: 'Binder' }, { name: 'ScoreA' }],
        disabled: [{ name: '*' }],
      },
    },
    points: { queueSort: ['Sorter'], preScore: ['ScoreA'], score: ['ScoreA'], bind: ['Binder'] },
    weights: { ScoreA: 1 },
  },
  {
    name: 'multiPoint.disabled by name is ignored by the expansion too',
    plugins: {
      multiPoint: {
        enabled: [{ name: 'Binder' }, { name: 'Sorter' }, { name: 'ScoreA' }],
        disabled: [{ name: 'ScoreA' }],
      },
    },
    points: { queueSort: ['Sorter'], preScore: ['ScoreA'], score: ['ScoreA'], bind: ['Binder'] },
  },
  {
    name: 'a plugin twice in multiPoint is a double registration',
    plugins: { multiPoint: { enabled: [{ name: 'All' }, { name: 'All' }] } },
    error: 'plugin "All" already registered as queueSort',
  },
  {
    name: 'overriding weights does not load a plugin twice',
    plugins: {
      multiPoint: { enabled: [{ name: 'All' }, { name: 'ScoreA' }] },
      score: {
        enabled: [
          { name: 'ScoreA', weight: 5 },
          { name: 'ScoreC', weight: 5 },
          { name: 'All', weight: 3 },
        ],
      },
    },
    points: withAll({ preScore: ['All', 'ScoreA'], score: ['ScoreA', 'All', 'ScoreC'] }),
    weights: { ScoreA: 5, All: 3, ScoreC: 5 },
  },
];

describe('expandProfile: upstream multiPoint expansion cases', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const profile = { schedulerName: 'p', plugins: c.plugins };
      if (c.error !== undefined) {
        expect(() => expandProfile(profile, FAKE)).toThrow(c.error);
        return;
      }
      const got = expandProfile(profile, FAKE);
      expect(got.points).toEqual(allPoints(c.points ?? {}));
      if (c.weights !== undefined) expect(got.scoreWeights).toEqual(c.weights);
    });
  }
});

// ------------------------------------------------------------------ the default profile

const DEFAULT_SCORE = [
  'TaintToleration',
  'NodeAffinity',
  'NodeResourcesFit',
  'VolumeBinding',
  'PodTopologySpread',
  'InterPodAffinity',
  'NodeResourcesBalancedAllocation',
  'ImageLocality',
];

function expandMerged(custom: RawPlugins | undefined) {
  return expandProfile(
    { schedulerName: 'default-scheduler', plugins: mergePlugins(defaultPlugins(), custom) },
    IN_TREE,
  );
}

describe('expandProfile: the default profile', () => {
  it('gives upstream’s expanded default plugin lists', () => {
    expect(expandMerged(undefined).points).toEqual({
      preEnqueue: ['SchedulingGates'],
      queueSort: ['PrioritySort'],
      preFilter: [
        'NodeAffinity',
        'NodePorts',
        'NodeResourcesFit',
        'VolumeRestrictions',
        'NodeVolumeLimits',
        'VolumeBinding',
        'VolumeZone',
        'PodTopologySpread',
        'InterPodAffinity',
      ],
      filter: [
        'NodeUnschedulable',
        'NodeName',
        'TaintToleration',
        'NodeAffinity',
        'NodePorts',
        'NodeResourcesFit',
        'VolumeRestrictions',
        'NodeVolumeLimits',
        'VolumeBinding',
        'VolumeZone',
        'PodTopologySpread',
        'InterPodAffinity',
      ],
      postFilter: ['DefaultPreemption'],
      preScore: [
        'TaintToleration',
        'NodeAffinity',
        'NodeResourcesFit',
        'VolumeBinding',
        'PodTopologySpread',
        'InterPodAffinity',
        'NodeResourcesBalancedAllocation',
      ],
      score: DEFAULT_SCORE,
      reserve: ['VolumeBinding'],
      permit: [],
      preBind: ['VolumeBinding'],
      bind: ['DefaultBinder'],
      postBind: [],
    });
  });

  it('gives upstream’s default score weights (VolumeBinding gets 1: no weight means 1)', () => {
    expect(expandMerged(undefined).scoreWeights).toEqual({
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      VolumeBinding: 1,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
  });

  it('a default re-enabled at score with a weight moves to the front of score with that weight', () => {
    const got = expandMerged({ score: { enabled: [{ name: 'NodeResourcesFit', weight: 5 }] } });
    expect(got.points.score).toEqual([
      'NodeResourcesFit',
      ...DEFAULT_SCORE.filter((n) => n !== 'NodeResourcesFit'),
    ]);
    expect(got.scoreWeights.NodeResourcesFit).toBe(5);
    // Only score changes; the filter order stays the multiPoint order.
    expect(got.points.filter).toEqual(expandMerged(undefined).points.filter);
  });

  it('a default re-enabled in multiPoint with a weight keeps its place everywhere', () => {
    const got = expandMerged({ multiPoint: { enabled: [{ name: 'NodeResourcesFit', weight: 5 }] } });
    expect(got.points.score).toEqual(DEFAULT_SCORE);
    expect(got.scoreWeights.NodeResourcesFit).toBe(5);
  });

  it('a default disabled at score still filters', () => {
    const got = expandMerged({ score: { disabled: [{ name: 'NodeResourcesFit' }] } });
    expect(got.points.score).not.toContain('NodeResourcesFit');
    expect(got.points.filter).toContain('NodeResourcesFit');
    expect(got.scoreWeights).not.toHaveProperty('NodeResourcesFit');
  });

  it('a custom multiPoint plugin runs after the defaults', () => {
    const got = expandMerged({ multiPoint: { enabled: [{ name: 'Custom', weight: 4 }] } });
    expect(got.points.filter.at(-1)).toBe('Custom');
    expect(got.points.score.at(-1)).toBe('Custom');
    expect(got.scoreWeights.Custom).toBe(4);
  });

  it('a custom plugin at one point only runs there', () => {
    const got = expandMerged({ filter: { enabled: [{ name: 'Custom' }] } });
    expect(got.points.filter.at(-1)).toBe('Custom');
    expect(got.points.score).not.toContain('Custom');
  });

  it('disabling every default at score leaves score empty', () => {
    const got = expandMerged({ score: { disabled: [{ name: '*' }] } });
    expect(got.points.score).toEqual([]);
    expect(got.scoreWeights).toEqual({});
  });
});

// ------------------------------------------------------------------ errors and weights

describe('expandProfile: errors', () => {
  const base: RawPlugins = {
    queueSort: { enabled: [{ name: 'Sorter' }] },
    bind: { enabled: [{ name: 'Binder' }] },
  };

  it('a plugin at a point it does not implement', () => {
    expect(() =>
      expandProfile(
        { schedulerName: 'p', plugins: { ...base, filter: { enabled: [{ name: 'ScoreA' }] } } },
        FAKE,
      ),
    ).toThrow('profile "p": plugin "ScoreA" does not extend filter');
  });

  it('a plugin twice in a point’s list', () => {
    expect(() =>
      expandProfile(
        {
          schedulerName: 'p',
          plugins: { ...base, score: { enabled: [{ name: 'ScoreA' }, { name: 'ScoreA' }] } },
        },
        FAKE,
      ),
    ).toThrow('plugin "ScoreA" already registered as score');
  });

  it('an unknown plugin, when the registry is given', () => {
    const exists = (n: string) => n !== 'Nope';
    expect(() =>
      expandProfile(
        { schedulerName: 'p', plugins: { ...base, score: { enabled: [{ name: 'Nope' }] } } },
        FAKE,
        {
          exists,
        },
      ),
    ).toThrow('score plugin "Nope" does not exist');
    expect(() =>
      expandProfile(
        { schedulerName: 'p', plugins: { ...base, multiPoint: { enabled: [{ name: 'Nope' }] } } },
        FAKE,
        {
          exists,
        },
      ),
    ).toThrow('multiPoint plugin "Nope" does not exist');
  });

  it('no queue sort plugin, or two', () => {
    expect(() => expandProfile({ schedulerName: 'p', plugins: { bind: base.bind } }, FAKE)).toThrow(
      'profile "p": exactly one queueSort plugin is required, got 0',
    );
    expect(() =>
      expandProfile(
        { schedulerName: 'p', plugins: { ...base, multiPoint: { enabled: [{ name: 'All' }] } } },
        FAKE,
      ),
    ).toThrow('exactly one queueSort plugin is required, got 2 (All, Sorter)');
  });

  it('no bind plugin', () => {
    expect(() => expandProfile({ schedulerName: 'p', plugins: { queueSort: base.queueSort } }, FAKE)).toThrow(
      'profile "p": at least one bind plugin is required',
    );
  });

  it('disabling every default in multiPoint leaves no queue sort', () => {
    expect(() => expandMerged({ multiPoint: { disabled: [{ name: '*' }] } })).toThrow(
      'exactly one queueSort plugin is required, got 0',
    );
  });

  it('errors carry the profile, point and plugin', () => {
    try {
      expandProfile(
        { schedulerName: 'p', plugins: { ...base, filter: { enabled: [{ name: 'ScoreA' }] } } },
        FAKE,
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProfileConfigError);
      const err = e as ProfileConfigError;
      expect([err.profile, err.point, err.plugin]).toEqual(['p', 'filter', 'ScoreA']);
    }
  });
});

describe('expandProfile: score weights', () => {
  const base: RawPlugins = {
    queueSort: { enabled: [{ name: 'Sorter' }] },
    bind: { enabled: [{ name: 'Binder' }] },
  };

  it('weight 0 means 1', () => {
    const got = expandProfile(
      { plugins: { ...base, multiPoint: { enabled: [{ name: 'ScoreA', weight: 0 }, { name: 'ScoreB' }] } } },
      FAKE,
    );
    expect(got.scoreWeights).toEqual({ ScoreA: 1, ScoreB: 1 });
  });

  it('the score list’s weight wins over multiPoint’s, even when 0 there (then 1)', () => {
    const got = expandProfile(
      {
        plugins: {
          ...base,
          multiPoint: {
            enabled: [
              { name: 'ScoreA', weight: 7 },
              { name: 'ScoreB', weight: 7 },
            ],
          },
          score: {
            enabled: [
              { name: 'ScoreA', weight: 2 },
              { name: 'ScoreB', weight: 0 },
            ],
          },
        },
      },
      FAKE,
    );
    expect(got.scoreWeights).toEqual({ ScoreA: 2, ScoreB: 1 });
  });

  it('a total that could overflow is an error', () => {
    const huge = Math.floor(Number.MAX_SAFE_INTEGER / 100);
    expect(() =>
      expandProfile(
        {
          plugins: {
            ...base,
            score: {
              enabled: [
                { name: 'ScoreA', weight: huge },
                { name: 'ScoreB', weight: 1 },
              ],
            },
          },
        },
        FAKE,
      ),
    ).toThrow('total score of Score plugins could overflow');
  });
});
