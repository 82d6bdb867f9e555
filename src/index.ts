// kubesim as a library: load a scenario, run it in-process, read the results. The CLI is a thin
// layer over these same functions.

export { formatDuration, parseDuration } from './api/duration.js';
export type { Issue } from './api/issue.js';
export { compileLabelSelector, matchesLabelSelector } from './api/labels.js';
export { normalizeManifest } from './api/manifest.js';
export { cpuToMillicores, memoryToBytes, parseQuantity, QuantityError } from './api/quantity.js';
export type * from './api/types.js';
export { Engine } from './engine/engine.js';
export type { MetricsResult, PodRow, RolloutRecord } from './metrics/collector.js';
export { writeOutputs } from './metrics/writers.js';
export { type Diagnostic, formatDiagnostic, ScenarioError } from './scenario/diagnostics.js';
export { checkScenario, loadScenario, parseScenario, validateScenarioFile } from './scenario/load.js';
export type { DecisionRecord } from './scheduler/decision.js';
export { CycleState } from './scheduler/framework/cycle-state.js';
export type * from './scheduler/framework/interfaces.js';
export { NodeInfo } from './scheduler/framework/node-info.js';
export { Status } from './scheduler/framework/status.js';
export type { Scheduler, SchedulerEnv } from './scheduler/scheduler.js';
export { STRATEGIES } from './scheduler/strategies/registry.js';
export {
  loadSchedulerModule,
  SchedulerModule,
  SchedulerModuleError,
} from './scheduler/strategies/user-module.js';
export {
  type RunSummary,
  type SimulateOptions,
  type SimulationResult,
  simulate,
  UnknownSchedulerError,
} from './sim/simulation.js';
export type { NodePool, SimulationSpec, TimelineAction } from './sim/spec.js';
export { KUBESIM_VERSION } from './version.js';
