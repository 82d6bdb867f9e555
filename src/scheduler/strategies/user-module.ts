// A user-written scheduler in a TypeScript or JavaScript module (`--scheduler ./my-scheduler.ts`,
// or `scheduler: ./my-scheduler.ts` in a scenario; docs/strategies/user-written.md). The module
// exports EITHER
//   - `plugins`: a record of plugin name → PluginFactory (docs/plugins.md), composed into a
//     kube-scheduler profile: the default profile with each of them added through multiPoint
//     (weight 1), or the optional `config` export, a KubeSchedulerConfiguration that enables them
//     by name with weights and args of its choosing; OR
//   - `createScheduler(env: SchedulerEnv): Scheduler`: a whole scheduler on the same informers,
//     client and decision records as every built-in design.
// Importing is asynchronous, so it happens before simulate() (the CLI does it after loading the
// scenario); simulate() stays synchronous and receives the loaded SchedulerModule.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveSchedulerConfig, schedulerInput } from '../build.js';
import { checkSchedulerConfiguration } from '../check-config.js';
import { DEFAULT_KUBERNETES_VERSION, DEFAULT_SCHEDULER_NAME } from '../config/defaults.js';
import { SCHEDULER_API_VERSION, SCHEDULER_KIND } from '../config/types.js';
import type { PluginFactory } from '../framework/interfaces.js';
import { KubeScheduler } from '../kube-scheduler.js';
import { IN_TREE_PLUGINS } from '../plugins/registry.js';
import type { Scheduler, SchedulerEnv } from '../scheduler.js';

/** File name endings that make a scheduler value a module path rather than a name. */
export const SCHEDULER_MODULE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs'];

/** Whether a `--scheduler` or `scheduler:` value names a scheduler module. */
export function isSchedulerModulePath(value: string): boolean {
  return SCHEDULER_MODULE_EXTENSIONS.some((ext) => value.endsWith(ext));
}

/** A module that cannot be loaded or does not export a scheduler (a user error, exit code 2). */
export class SchedulerModuleError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const EXPORTS_HINT =
  'export `plugins` (name → PluginFactory, optionally with `config`) or `createScheduler(env)`; see docs/strategies/user-written.md';

type Plugins = ReadonlyMap<string, PluginFactory>;

/** A loaded scheduler module, ready to build a Scheduler for a run. */
export class SchedulerModule {
  private constructor(
    /** The module's path as given. */
    readonly path: string,
    private readonly plugins: Plugins | undefined,
    private readonly config: Record<string, unknown> | undefined,
    private readonly createWhole: ((env: SchedulerEnv) => unknown) | undefined,
  ) {}

  /** Checks a module's exports (the namespace object of `import()`) and wraps them. */
  static fromExports(path: string, exports: Record<string, unknown>): SchedulerModule {
    const { plugins, config, createScheduler } = exports;
    if (plugins !== undefined && createScheduler !== undefined) {
      throw new SchedulerModuleError(path, 'exports both `plugins` and `createScheduler`', EXPORTS_HINT);
    }
    if (createScheduler !== undefined) {
      if (typeof createScheduler !== 'function')
        throw new SchedulerModuleError(path, '`createScheduler` is not a function', EXPORTS_HINT);
      if (config !== undefined)
        throw new SchedulerModuleError(
          path,
          '`config` goes with `plugins`, not `createScheduler`',
          EXPORTS_HINT,
        );
      return new SchedulerModule(
        path,
        undefined,
        undefined,
        createScheduler as (env: SchedulerEnv) => unknown,
      );
    }
    if (plugins === undefined)
      throw new SchedulerModuleError(path, 'exports neither `plugins` nor `createScheduler`', EXPORTS_HINT);
    const registry = pluginRecord(path, plugins);
    let raw: Record<string, unknown> | undefined;
    if (config !== undefined) {
      if (config === null || typeof config !== 'object' || Array.isArray(config))
        throw new SchedulerModuleError(
          path,
          '`config` must be a KubeSchedulerConfiguration object',
          EXPORTS_HINT,
        );
      raw = config as Record<string, unknown>;
      const all = new Map([...IN_TREE_PLUGINS, ...registry]);
      const errors = checkSchedulerConfiguration(raw, all).filter((i) => i.severity === 'error');
      if (errors.length > 0) {
        const where = (p: readonly (string | number)[]) =>
          p.length > 0 ? `config.${p.join('.')}: ` : 'config: ';
        throw new SchedulerModuleError(
          path,
          errors.map((e) => `${where(e.path)}${e.message}`).join('; '),
          errors[0]!.hint,
        );
      }
    }
    return new SchedulerModule(path, registry, raw, undefined);
  }

  /** 'plugins' for a plugin module, 'scheduler' for a whole scheduler. */
  get kind(): 'plugins' | 'scheduler' {
    return this.createWhole === undefined ? 'plugins' : 'scheduler';
  }

  /** The Kubernetes version the run models (a plugin module's config may set it). */
  get kubernetesVersion(): string {
    if (this.config === undefined) return DEFAULT_KUBERNETES_VERSION;
    return resolveSchedulerConfig(this.config).config.kubesim.kubernetesVersion;
  }

  /**
   * The scheduler for one run. `registry` holds the plugins available besides the module's own
   * (the in-tree ones and SimulateOptions.plugins). A plugin module's scheduler is reported as
   * `module(<path>)`; a whole scheduler under its own `name`.
   */
  create(env: SchedulerEnv, registry: Plugins): Scheduler {
    if (this.createWhole !== undefined) {
      const scheduler = this.createWhole(env) as Partial<Scheduler> | null | undefined;
      if (
        scheduler === null ||
        typeof scheduler !== 'object' ||
        typeof scheduler.start !== 'function' ||
        typeof scheduler.name !== 'string'
      ) {
        throw new SchedulerModuleError(
          this.path,
          '`createScheduler(env)` must return a Scheduler: an object with `name` (string) and `start()`',
          EXPORTS_HINT,
        );
      }
      return scheduler as Scheduler;
    }
    const plugins = this.plugins!;
    const all = new Map([...registry, ...plugins]);
    const { config } = resolveSchedulerConfig(this.config ?? defaultProfileWith(plugins));
    return new KubeScheduler(env, schedulerInput(`module(${this.path})`, config, all));
  }
}

/** The default profile with every module plugin added through multiPoint. */
function defaultProfileWith(plugins: Plugins): Record<string, unknown> {
  return {
    apiVersion: SCHEDULER_API_VERSION,
    kind: SCHEDULER_KIND,
    profiles: [
      {
        schedulerName: DEFAULT_SCHEDULER_NAME,
        plugins: { multiPoint: { enabled: [...plugins.keys()].map((name) => ({ name })) } },
      },
    ],
  };
}

function pluginRecord(path: string, plugins: unknown): Plugins {
  if (plugins === null || typeof plugins !== 'object' || Array.isArray(plugins))
    throw new SchedulerModuleError(path, '`plugins` must be an object of name → PluginFactory', EXPORTS_HINT);
  const out = new Map<string, PluginFactory>();
  for (const [name, factory] of Object.entries(plugins)) {
    if (typeof factory !== 'function')
      throw new SchedulerModuleError(path, `plugins.${name} is not a PluginFactory function`, EXPORTS_HINT);
    if (IN_TREE_PLUGINS.has(name))
      throw new SchedulerModuleError(
        path,
        `plugins.${name} has the name of an in-tree plugin`,
        'give your plugin a name of its own',
      );
    out.set(name, factory as PluginFactory);
  }
  if (out.size === 0) throw new SchedulerModuleError(path, '`plugins` is empty', EXPORTS_HINT);
  return out;
}

/**
 * Imports a scheduler module (relative paths from the working directory; .ts works because the
 * CLI runs under tsx) and checks its exports.
 */
export async function loadSchedulerModule(path: string): Promise<SchedulerModule> {
  const absolute = resolve(path);
  if (!existsSync(absolute))
    throw new SchedulerModuleError(path, 'scheduler module not found', `looked for ${absolute}`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new SchedulerModuleError(path, `cannot load scheduler module: ${message}`);
  }
  return SchedulerModule.fromExports(path, exports);
}
