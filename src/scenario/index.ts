// The scenario layer: YAML scenario files to SimulationSpec, with file:line:col diagnostics.

export { DurationError, formatDuration, parseDuration } from '../api/duration.js';
export {
  type Diagnostic,
  formatDiagnostic,
  ScenarioError,
  type Severity,
  sortDiagnostics,
} from './diagnostics.js';
export {
  type CheckResult,
  checkScenario,
  type LoadOptions,
  type LoadResult,
  loadScenario,
  parseScenario,
  type ReadFile,
  validateScenarioFile,
} from './load.js';
export { locate, type Position, type YamlPath } from './locate.js';
export {
  ACTION_NAMES,
  SCENARIO_API_VERSION,
  SCENARIO_KIND,
  ScenarioSchema,
  scenarioJsonSchema,
  scenarioJsonSchemaText,
} from './schema.js';
export { kindForName, resolveTarget, TARGET_KIND_NAMES } from './targets.js';
