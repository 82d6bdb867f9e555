// Human-readable text for the terminal. Only the CLI prints; everything here is presentation.

import pc from 'picocolors';
import { formatDuration } from '../api/duration.js';
import type { WorkloadSummary } from '../metrics/collector.js';
import type { DaemonSetSummary } from '../metrics/daemonset-metrics.js';
import type { AutoscalerSummary } from '../sim/autoscaler.js';
import type { DrainRecord } from '../sim/drain.js';
import type { RunSummary, SimulationResult } from '../sim/simulation.js';

function ms(v: unknown): string {
  return typeof v === 'number' ? formatDuration(Math.round(v)) : '–';
}

/** Latencies: milliseconds below a second, Go-style durations above. */
function latency(v: unknown): string {
  if (typeof v !== 'number') return '–';
  return v < 1000 ? `${Math.round(v)} ms` : formatDuration(Math.round(v));
}

function num(v: unknown): string {
  return typeof v === 'number' ? v.toLocaleString('en-US') : '–';
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '–';
}

export function formatRunSummary(result: SimulationResult, wallMs: number | null): string {
  const s: RunSummary = result.summary;
  const m = s.metrics as Record<string, unknown>;
  const lines: string[] = [];
  lines.push(
    `${pc.bold(`kubesim ${s.kubesimVersion}`)} · ${s.scenario} · seed ${s.seed} · scheduler ${s.scheduler}`,
  );
  const wall = wallMs === null ? '' : ` in ${(wallMs / 1000).toFixed(2)} s`;
  lines.push(
    `simulated ${ms(s.simulatedDurationMs)}${wall} (${num(s.eventCount)} events, ${num(s.storeChanges)} API changes)`,
  );
  lines.push(
    `pods: ${num(m.pods_created)} created, ${num(m.pods_scheduled)} scheduled, ${num(m.pods_unscheduled_at_end)} pending at end; ` +
      `scheduling latency p50 ${latency(m.scheduling_latency_ms_p50)} p95 ${latency(m.scheduling_latency_ms_p95)} p99 ${latency(m.scheduling_latency_ms_p99)}`,
  );
  lines.push(
    `allocation peak: cpu ${pct(m.cpu_allocated_ratio_peak)}, memory ${pct(m.memory_allocated_ratio_peak)}; nodes at end ${num(m.nodes_at_end)}`,
  );
  const workloads = (m.workloads ?? {}) as Record<string, WorkloadSummary>;
  for (const [name, w] of Object.entries(workloads)) {
    lines.push(`deployment ${name}: desired ${num(w.desired)}`);
    for (const r of w.rollouts) {
      const took = r.endMs === null ? pc.yellow('unfinished') : `took ${ms(r.durationMs)}`;
      lines.push(
        `  rollout at ${ms(r.startMs)} ${took}; min available ${r.minAvailable}/${r.desired}, max pods ${r.maxTotal}`,
      );
    }
  }
  const daemonsets = (m.daemonsets ?? {}) as Record<string, DaemonSetSummary>;
  for (const [name, d] of Object.entries(daemonsets)) {
    lines.push(
      `daemonset ${name}: ${d.available}/${d.desired} available, ${d.updated} updated; coverage gap ${num(d.coverageGapNodeSeconds)} node-seconds`,
    );
  }
  for (const d of (m.drains ?? []) as DrainRecord[]) {
    const refused = d.refusals > 0 ? `, ${d.refusals} evictions refused by a PodDisruptionBudget` : '';
    const how =
      d.outcome === 'complete'
        ? `took ${ms(d.durationMs)}`
        : pc.yellow(d.outcome + (d.message !== undefined ? `: ${d.message}` : ''));
    lines.push(`drain ${d.node} at ${ms(d.startMs)} ${how}; ${d.evicted} evicted${refused}`);
  }
  const autoscaler = m.autoscaler as AutoscalerSummary | undefined;
  for (const [pool, p] of Object.entries(autoscaler?.pools ?? {})) {
    const when = (xs: number[]) => (xs.length === 0 ? '' : ` (${xs.map((t) => ms(t)).join(', ')})`);
    lines.push(
      `autoscaler pool ${pool} [${p.min}..${p.max}]: ${p.added.length} added${when(p.added.map((a) => a.registeredMs))}, ` +
        `${p.removed.length} removed${when(p.removed.map((r) => r.removedMs))}`,
    );
  }
  for (const f of autoscaler?.scaleDownFailures ?? []) {
    lines.push(
      pc.yellow(
        `autoscaler: scale-down of ${f.node} at ${ms(f.t)} ${f.outcome}${f.message ? `: ${f.message}` : ''}`,
      ),
    );
  }
  const traffic = (m.traffic ?? {}) as Record<
    string,
    { requests: number; failed: number; successRatio: number | null; worst10sSuccessRatio: number | null }
  >;
  for (const [target, t] of Object.entries(traffic)) {
    const ratio = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(3)}%`);
    lines.push(
      `traffic ${target}: ${num(t.requests)} requests, ${num(t.failed)} failed; success ${ratio(t.successRatio)}, worst 10 s ${ratio(t.worst10sSuccessRatio)}`,
    );
  }
  if (typeof m.identity_violations === 'number' && m.identity_violations > 0) {
    lines.push(
      pc.yellow(
        `identity violations: ${m.identity_violations} (${num(m.identity_violation_seconds)} s; ${(m.identity_violation_pods as string[]).join(', ')})`,
      ),
    );
  }
  for (const w of result.warnings) {
    const at = w.source ? `${w.source.file}:${w.source.line}:${w.source.col}: ` : '';
    lines.push(pc.yellow(`${at}warning: at ${ms(w.t)}: ${w.message}`));
  }
  lines.push(`run hash ${s.runHash}`);
  return lines.join('\n');
}
