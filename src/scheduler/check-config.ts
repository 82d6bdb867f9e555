// Everything that can be wrong with a KubeSchedulerConfiguration before a run starts: the
// document itself (parseSchedulerConfig), plugins that do not exist, each plugin's args as its
// factory checks them, and profiles the framework could not assemble. Issue paths are relative to
// the configuration document, for file:line:col.

import { error, type Issue } from '../api/issue.js';
import { RandomStreams } from '../engine/random.js';
import { DEFAULT_KUBERNETES_VERSION } from './config/defaults.js';
import { expandProfile, ProfileConfigError } from './config/expand.js';
import { parseSchedulerConfig } from './config/parse.js';
import { ArgsError } from './framework/args.js';
import { implementsPoint } from './framework/framework.js';
import type { Handle, Plugin, PluginFactory } from './framework/interfaces.js';
import { Status } from './framework/status.js';
import { IN_TREE_PLUGINS } from './plugins/registry.js';

/**
 * A Handle for checking args only: an empty cluster. Plugins may keep references to its parts at
 * construction, but nothing runs against it; writes are a bug.
 */
const CHECK_HANDLE: Handle = {
  nodes: {
    list: () => [],
    get: () => undefined,
    havePodsWithAffinity: () => [],
    havePodsWithRequiredAntiAffinity: () => [],
  },
  objects: { get: () => undefined, list: () => [] },
  nominator: { nominatedPodsForNode: () => [] },
  now: () => 0,
  random: (name) => new RandomStreams(0).stream(name),
  namespaceLabels: () => undefined,
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  bind: () => {
    throw new Error('plugin factories must not bind while constructing');
  },
  deletePod: () => {
    throw new Error('plugin factories must not delete pods while constructing');
  },
  updatePodStatus: () => {
    throw new Error('plugin factories must not write while constructing');
  },
  runFilterPluginsWithNominatedPods: () => Status.SUCCESS,
  runPreFilterExtensionAddPod: () => Status.SUCCESS,
  runPreFilterExtensionRemovePod: () => Status.SUCCESS,
};

export function checkSchedulerConfiguration(
  raw: Record<string, unknown>,
  registry: ReadonlyMap<string, PluginFactory> = IN_TREE_PLUGINS,
): Issue[] {
  const { config, issues } = parseSchedulerConfig(raw);
  if (config === undefined) return issues;
  const out = [...issues];
  config.profiles.forEach((profile, i) => {
    const plugins = new Map<string, Plugin>();
    const rawConfigs = ((raw.profiles as Record<string, unknown>[] | undefined)?.[i]?.pluginConfig ?? []) as {
      name?: string;
    }[];
    for (const [name, args] of Object.entries(profile.pluginConfig)) {
      const factory = registry.get(name);
      const j = rawConfigs.findIndex((c) => c.name === name);
      const base = j >= 0 ? ['profiles', i, 'pluginConfig', j] : ['profiles', i];
      if (factory === undefined) continue; // reported below if the plugin is used
      try {
        plugins.set(name, factory(args, CHECK_HANDLE));
      } catch (e) {
        if (!(e instanceof ArgsError)) throw e;
        out.push(error([...base, 'args', ...e.path], `${name} args: ${e.message}`, e.hint));
      }
    }
    try {
      expandProfile(
        { schedulerName: profile.schedulerName, plugins: profile.plugins },
        (name, point) => {
          let plugin = plugins.get(name);
          if (plugin === undefined) {
            const factory = registry.get(name);
            if (factory === undefined) return false;
            plugin = factory({}, CHECK_HANDLE);
            plugins.set(name, plugin);
          }
          return implementsPoint(plugin, point);
        },
        { exists: (n) => registry.has(n) },
      );
    } catch (e) {
      if (!(e instanceof ProfileConfigError)) throw e;
      const path = e.point === undefined ? ['profiles', i] : ['profiles', i, 'plugins', e.point];
      out.push(
        error(
          path,
          e.message,
          e.plugin ? `registered plugins: ${[...registry.keys()].join(', ')}` : undefined,
        ),
      );
    }
  });
  return out;
}
