// scenarios/cluster-day.yaml at full size: a 5,000-node cluster for 24 simulated hours with a
// 10,000-pod service tier, ~140,000 batch pods arriving on a diurnal curve and Weibull node
// failures. SET="params.nodes=500 params.replicas=50 params.batchPerHour=580" (space-separated
// --set values) runs a smaller day for quick checks. Wall time covers loading and simulating.
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';
import { report } from './report.js';

const file = join(import.meta.dirname, '..', '..', 'scenarios', 'cluster-day.yaml');
const set = (process.env.SET ?? '').split(/\s+/).filter((s) => s !== '');

const start = performance.now();
const { spec } = await loadScenario(file, { set });
const loadedMs = performance.now() - start;
const result = simulate(spec);
const wallMs = performance.now() - start;
const m = result.summary.metrics as Record<string, unknown>;
report({
  case: 'cluster-day',
  set,
  wallMs,
  loadMs: loadedMs,
  simulatedHours: spec.durationMs / 3_600_000,
  nodes: m.nodes_at_end,
  podsCreated: m.pods_created,
  podsScheduled: m.pods_scheduled,
  podsScheduledPerSecond: Number(m.pods_scheduled) / (wallMs / 1000),
  schedulingLatencyP99Ms: m.scheduling_latency_ms_p99,
  events: result.summary.eventCount,
  storeChanges: result.summary.storeChanges,
  runHash: result.summary.runHash,
});
