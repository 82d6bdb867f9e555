// From a profile's merged plugin sets to the plugin list of each extension point and the score
// weights, following upstream's framework construction (pkg/scheduler/framework/runtime/framework.go:
// the per-point lists, expandMultiPointPlugins, the queueSort/bind checks and getScoreWeights).
//
// 1. Each extension point starts with its own `enabled` list. Every plugin there must exist and
//    implement the point, and may appear only once.
// 2. If multiPoint has enabled plugins, each point gets those that implement it, unless the point
//    disables them (by name, or all of them with "*", which skips the expansion for that point).
//    A multiPoint plugin also listed at the point is an explicit override: the point's entry wins.
//    A plugin twice in multiPoint is a double registration, an error.
//    Resulting order: the overridden plugins (in the point's own order), then the multiPoint
//    plugins, then the rest of the point's own list.
// 3. Exactly one queueSort plugin and at least one bind plugin.
// 4. Score weights: the score list's own entries first, then multiPoint's; the first entry of a
//    plugin decides; weight 0 (or none) means 1.
// multiPoint's `disabled` list plays no part here: mergePlugins already removed those defaults.

import { EXTENSION_POINTS, type ExtensionPoint, type PluginRef, type RawPlugins } from './types.js';

/** The upper bound of one plugin's normalized node score (upstream MaxNodeScore). */
export const MAX_NODE_SCORE = 100;

export interface ExpandedProfile {
  /** Plugin names per extension point, in the order they run. */
  points: Record<ExtensionPoint, string[]>;
  /** Weight of every plugin in points.score. */
  scoreWeights: Record<string, number>;
}

export interface ExpandOptions {
  /** Whether a plugin is registered; when given, unknown names are errors. */
  exists?: (pluginName: string) => boolean;
}

/** A profile whose plugins cannot be assembled. `plugin` and `point` say where, when known. */
export class ProfileConfigError extends Error {
  constructor(
    readonly profile: string,
    message: string,
    readonly point?: ExtensionPoint | 'multiPoint',
    readonly plugin?: string,
  ) {
    super(`profile ${JSON.stringify(profile)}: ${message}`);
    this.name = 'ProfileConfigError';
  }
}

/** Insertion-ordered set of names with removal, like upstream's orderedSet. */
class OrderedNames {
  private readonly items = new Set<string>();
  add(name: string): void {
    this.items.add(name);
  }
  has(name: string): boolean {
    return this.items.has(name);
  }
  delete(name: string): void {
    this.items.delete(name);
  }
  list(): string[] {
    return [...this.items];
  }
}

/**
 * Builds the plugin list of every extension point and the score weights of a profile whose
 * plugins were merged with the defaults. `implementsPoint` says whether a plugin has a point's
 * methods. Throws ProfileConfigError for a configuration the framework cannot run.
 */
export function expandProfile(
  profile: { schedulerName?: string; plugins: RawPlugins },
  implementsPoint: (pluginName: string, point: ExtensionPoint) => boolean,
  options: ExpandOptions = {},
): ExpandedProfile {
  const profileName = profile.schedulerName ?? '';
  const plugins = profile.plugins;
  const fail = (message: string, point?: ExtensionPoint | 'multiPoint', plugin?: string): never => {
    throw new ProfileConfigError(profileName, message, point, plugin);
  };
  const checkExists = (name: string, point: ExtensionPoint | 'multiPoint'): void => {
    if (options.exists !== undefined && !options.exists(name)) {
      fail(`${point} plugin ${JSON.stringify(name)} does not exist`, point, name);
    }
  };

  const points = {} as Record<ExtensionPoint, string[]>;

  // 1. The points' own lists.
  for (const point of EXTENSION_POINTS) {
    const seen = new Set<string>();
    for (const p of plugins[point]?.enabled ?? []) {
      checkExists(p.name, point);
      if (!implementsPoint(p.name, point)) {
        fail(`plugin ${JSON.stringify(p.name)} does not extend ${point}`, point, p.name);
      }
      if (seen.has(p.name)) {
        fail(`plugin ${JSON.stringify(p.name)} already registered as ${point}`, point, p.name);
      }
      seen.add(p.name);
    }
    points[point] = [...seen];
  }

  // 2. multiPoint expansion.
  const multiPoint = plugins.multiPoint?.enabled ?? [];
  if (multiPoint.length > 0) {
    for (const point of EXTENSION_POINTS) {
      const own = new OrderedNames();
      for (const name of points[point]) own.add(name);
      const disabled = new Set((plugins[point]?.disabled ?? []).map((d) => d.name));
      if (disabled.has('*')) continue;
      const expanded = new OrderedNames();
      const overrides = new Set<string>();
      for (const p of multiPoint) {
        checkExists(p.name, 'multiPoint');
        if (!implementsPoint(p.name, point)) continue;
        if (disabled.has(p.name)) continue;
        if (own.has(p.name)) {
          overrides.add(p.name);
          continue;
        }
        if (expanded.has(p.name)) {
          fail(`plugin ${JSON.stringify(p.name)} already registered as ${point}`, 'multiPoint', p.name);
        }
        expanded.add(p.name);
      }
      const ordered: string[] = [];
      for (const name of own.list()) {
        if (overrides.has(name)) {
          ordered.push(name);
          own.delete(name);
        }
      }
      ordered.push(...expanded.list(), ...own.list());
      points[point] = ordered;
    }
  }

  // 3. Exactly one queue sort, at least one binder.
  if (points.queueSort.length !== 1) {
    fail(
      `exactly one queueSort plugin is required, got ${points.queueSort.length}` +
        (points.queueSort.length > 0 ? ` (${points.queueSort.join(', ')})` : ''),
      'queueSort',
    );
  }
  if (points.bind.length === 0) fail('at least one bind plugin is required', 'bind');

  // 4. Score weights.
  const scoreWeights = scoreWeightsOf(profileName, points.score, [
    ...(plugins.score?.enabled ?? []),
    ...multiPoint,
  ]);
  return { points, scoreWeights };
}

/** Weights of the plugins in `scorePlugins`: the first entry of each in `entries` decides, 0 → 1. */
function scoreWeightsOf(
  profileName: string,
  scorePlugins: readonly string[],
  entries: readonly PluginRef[],
): Record<string, number> {
  const scoring = new Set(scorePlugins);
  const weights: Record<string, number> = {};
  let total = 0;
  for (const e of entries) {
    if (!scoring.has(e.name) || Object.hasOwn(weights, e.name)) continue;
    const weight = e.weight === undefined || e.weight === 0 ? 1 : e.weight;
    if (weight * MAX_NODE_SCORE > Number.MAX_SAFE_INTEGER - total) {
      throw new ProfileConfigError(
        profileName,
        'total score of Score plugins could overflow',
        'score',
        e.name,
      );
    }
    total += weight * MAX_NODE_SCORE;
    weights[e.name] = weight;
  }
  // Keep the map in score order, which is the order a report lists them.
  const ordered: Record<string, number> = {};
  for (const name of scorePlugins) ordered[name] = weights[name] ?? 1;
  return ordered;
}
