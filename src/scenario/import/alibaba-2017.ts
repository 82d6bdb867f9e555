// `kubesim import alibaba-2017`: Alibaba cluster trace v2017 → machines as nodes, machine errors
// as failNode (and recoverNode), batch task instances as pods created at their task's arrival.
//
// Mappings (docs/importers.md has the reasoning):
// - server_event `add` → a Node `machine-<id>` (64 cores; memory = normalised value × memoryUnit),
//   at t=0 when added before the window opens, else created by a timeline apply; `add` of a
//   machine that is down → recoverNode;
// - `softerror`, `harderror`, `remove` → failNode; with recoverAfterMs a softerror (a temporary
//   software fault) is followed by recoverNode after that long; a machine down when the window
//   opens fails at t=0;
// - batch_task row → `number of instances` pods `task-<job>-<task>-<i>`, each requesting the
//   per-instance CPU (100 = 1 core) and memory (normalised, same scale as machines);
//   Terminated/Failed tasks run for end − create (kubesim.io/run-time, restartPolicy Never);
//   Running/Waiting ones have no known end and run until the scenario ends. Tasks without
//   requests (mostly Waiting) are skipped with a note.

import { formatDuration } from '../../api/duration.js';
import { memoryToBytes } from '../../api/quantity.js';
import { RowReader, readCsv } from './csv.js';
import { formatFraction, inWindow, Sampler, scaledMs, type Window } from './options.js';
import { count, emptyScenario, formatKi, type ImportedScenario } from './output.js';
import { inputError, note, readInput } from './problems.js';

type Json = Record<string, unknown>;

export interface Alibaba2017Options {
  tasksFile: string;
  machinesFile: string;
  name: string;
  window: Window;
  sample: number;
  scaleTime: number;
  seed: number;
  maxPods: number;
  /** Memory of a normalised 1.0, as a quantity. */
  memoryUnit: string;
  recoverAfterMs?: number;
  onProgress?: (text: string) => void;
}

export const MACHINE_COLUMNS = [
  'timestamp',
  'machine_id',
  'event_type',
  'event_detail',
  'cpu',
  'memory',
  'disk',
] as const;
export const TASK_COLUMNS = [
  'task_create_time',
  'task_end_time',
  'job_id',
  'task_id',
  'number_of_instances',
  'status',
  'number_of_cpus_requested_per_instance_in_the_task',
  'normalized_memory_requested_per_instance_in_the_task',
] as const;
const [CREATE, END, JOB, TASK, INSTANCES, STATUS, CPU, MEM] = TASK_COLUMNS;

export const BATCH_IMAGE = 'alibaba/batch-task';
const EVENT_TYPES = new Set(['add', 'softerror', 'harderror', 'remove']);
const FINISHED = new Set(['Terminated', 'Failed']);

export function machineName(id: number): string {
  return `machine-${id}`;
}

interface MachineEvent {
  ms: number;
  id: number;
  type: string;
  cpu: number;
  memory: number;
}

export function importAlibaba2017(options: Alibaba2017Options): ImportedScenario {
  const out = emptyScenario(options.name, `imported from ${options.machinesFile} and ${options.tasksFile}`);
  out.seed = options.seed;
  out.images = { [BATCH_IMAGE]: { pullTime: '0s' } };
  const unitKi = memoryToBytes(options.memoryUnit) / 1024;
  const { startMs, endMs } = options.window;
  const at = (ms: number) => scaledMs((Math.max(ms, startMs) - startMs) / 1000, options.scaleTime);
  let lastMs = startMs;

  // ---------------------------------------------------------------- machines
  const mcsv = readCsv(readInput(options.machinesFile, 'machine event file'), options.machinesFile, {
    columns: MACHINE_COLUMNS,
    header: 'none',
    what: 'server_event.csv',
  });
  const mr = new RowReader(options.machinesFile, mcsv.index);
  const events: MachineEvent[] = mcsv.table.rows.map((row) => {
    const type = mr.string(row, 'event_type');
    if (!EVENT_TYPES.has(type)) {
      throw mr.error(
        row,
        'event_type',
        `unknown event type ${JSON.stringify(type)}`,
        `expected one of ${[...EVENT_TYPES].join(', ')}`,
      );
    }
    const add = type === 'add';
    return {
      // 0 and negative timestamps mean "before the trace window".
      ms: Math.max(0, mr.number(row, 'timestamp')) * 1000,
      id: mr.number(row, 'machine_id', { integer: true, min: 0 }),
      type,
      cpu: add ? mr.number(row, 'cpu', { min: 0 }) : 0,
      memory: add ? mr.number(row, 'memory', { min: 0 }) : 0,
    };
  });
  // Stable: events at the same time keep file order.
  events.sort((a, b) => a.ms - b.ms);
  const exists = new Set<number>();
  const down = new Set<number>();
  const recoverAt = new Map<number, number>();
  let failures = 0;
  let initialDown = 0;
  const nodeOf = (e: MachineEvent): Json => {
    const resources = { cpu: String(e.cpu), memory: formatKi(Math.floor(e.memory * unitKi)), pods: '110' };
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: machineName(e.id), labels: { 'kubernetes.io/hostname': machineName(e.id) } },
      status: { capacity: resources, allocatable: resources },
    };
  };
  const recover = (id: number, ms: number) => {
    down.delete(id);
    recoverAt.delete(id);
    lastMs = Math.max(lastMs, ms);
    if (ms >= startMs) out.timeline.push({ at: at(ms), action: 'recoverNode', node: machineName(id) });
  };
  const flushRecoveries = (untilMs: number) => {
    const due = [...recoverAt].filter(([, ms]) => ms <= untilMs).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    for (const [id, ms] of due) recover(id, ms);
  };
  let windowOpened = false;
  const openWindow = () => {
    // Machines down when the window opens fail at its start.
    windowOpened = true;
    for (const id of [...down].sort((a, b) => a - b)) {
      out.timeline.push({ at: 0, action: 'failNode', node: machineName(id) });
      initialDown++;
    }
  };
  for (const e of events) {
    if (endMs !== undefined && e.ms >= endMs) break;
    flushRecoveries(e.ms);
    if (!windowOpened && e.ms >= startMs) openWindow();
    const inside = e.ms >= startMs;
    if (e.type === 'add') {
      if (!exists.has(e.id)) {
        exists.add(e.id);
        if (inside && e.ms > startMs) out.timeline.push({ at: at(e.ms), action: 'apply', object: nodeOf(e) });
        else out.nodes.push(nodeOf(e));
      } else if (down.has(e.id)) {
        recover(e.id, e.ms);
      }
    } else if (exists.has(e.id)) {
      if (!down.has(e.id)) {
        down.add(e.id);
        if (inside) {
          out.timeline.push({ at: at(e.ms), action: 'failNode', node: machineName(e.id) });
          failures++;
        }
      }
      if (e.type === 'softerror' && options.recoverAfterMs !== undefined)
        recoverAt.set(e.id, e.ms + options.recoverAfterMs);
      else recoverAt.delete(e.id);
    }
    if (inside) lastMs = Math.max(lastMs, e.ms);
  }
  flushRecoveries(endMs === undefined ? Number.MAX_SAFE_INTEGER : endMs - 1);
  if (!windowOpened) openWindow();

  // ---------------------------------------------------------------- tasks
  const text = readInput(options.tasksFile, 'task file');
  options.onProgress?.(`reading ${options.tasksFile}…`);
  const tcsv = readCsv(text, options.tasksFile, {
    columns: TASK_COLUMNS,
    header: 'detect',
    what: 'batch_task.csv',
  });
  const tr = new RowReader(options.tasksFile, tcsv.index);
  const sampler = new Sampler(options.sample, options.seed, 'alibaba-2017/instances');
  let pods = 0;
  let tasks = 0;
  let noRequests = 0;
  let firstNoRequests: number | undefined;
  tcsv.table.rows.forEach((row, i) => {
    if (i % 10_000 === 0 && i > 0)
      options.onProgress?.(
        `reading ${options.tasksFile}… ${count(i)} of ${count(tcsv.table.rows.length)} tasks`,
      );
    const instances = tr.number(row, INSTANCES, { integer: true, min: 0 });
    const create = Math.max(0, tr.number(row, CREATE)) * 1000;
    const end = tr.number(row, END) * 1000;
    const cpu = tr.optionalNumber(row, CPU, { min: 0 });
    const mem = tr.optionalNumber(row, MEM, { min: 0 });
    const status = tr.string(row, STATUS);
    // Draw for every instance so the sample does not depend on the window.
    const kept: number[] = [];
    for (let k = 0; k < instances; k++) if (sampler.keep()) kept.push(k);
    const alive = create < startMs && FINISHED.has(status) && end > startMs;
    const aliveUnfinished = create < startMs && !FINISHED.has(status);
    const arriving = inWindow(options.window, create);
    if (!arriving && !alive && !aliveUnfinished) return;
    if (cpu === undefined || mem === undefined) {
      noRequests++;
      firstNoRequests ??= row.line;
      return;
    }
    if (kept.length === 0) return;
    tasks++;
    if (pods + kept.length > options.maxPods) {
      pods += kept.length;
      return;
    }
    const job = tr.number(row, JOB, { integer: true });
    const task = tr.number(row, TASK, { integer: true });
    const runMs = FINISHED.has(status) ? Math.max(0, end - Math.max(create, startMs)) : undefined;
    for (const k of kept) {
      const pod = batchPod(
        job,
        task,
        k,
        cpu,
        mem,
        unitKi,
        runMs === undefined ? undefined : scaledMs(runMs / 1000, options.scaleTime),
      );
      if (arriving) out.timeline.push({ at: at(create), action: 'apply', object: pod });
      else out.objects.push(pod);
    }
    pods += kept.length;
    lastMs = Math.max(lastMs, create + (runMs ?? 0));
  });
  options.onProgress?.('');
  if (pods > options.maxPods) {
    throw inputError(
      options.tasksFile,
      1,
      1,
      `the selection has ${count(pods)} pods, more than --max-pods ${count(options.maxPods)}`,
      'narrow --window, lower --sample, or raise --max-pods',
    );
  }
  if (noRequests > 0) {
    out.notes.push(
      note(
        options.tasksFile,
        firstNoRequests!,
        1,
        `skipped ${count(noRequests)} tasks without CPU or memory requests`,
        'the trace leaves them empty, mostly for Waiting tasks that never ran',
      ),
    );
  }
  // Entries with the same time keep the order they were added in (machines first).
  out.timeline.sort((a, b) => a.at - b.at);
  out.durationMs = scaledMs(((endMs ?? lastMs + 1000) - startMs) / 1000, options.scaleTime);
  const windowText = `window ${formatDuration(startMs)}–${endMs === undefined ? 'end' : formatDuration(endMs)}`;
  const nodes =
    out.nodes.length +
    out.timeline.filter((a) => a.action === 'apply' && (a.object as Json).kind === 'Node').length;
  out.summary =
    `${count(nodes)} nodes, ${count(failures + initialDown)} node failures, ${count(pods)} pods from ${count(tasks)} tasks` +
    ` (${windowText}, sample ${formatFraction(options.sample)})`;
  return out;
}

function batchPod(
  job: number,
  task: number,
  index: number,
  cpu: number,
  mem: number,
  unitKi: number,
  runMs: number | undefined,
): Json {
  const annotations: Record<string, string> = {};
  if (runMs !== undefined) annotations['kubesim.io/run-time'] = formatDuration(runMs);
  // v2017 CPU requests follow the v2018 convention: 100 = one core.
  const requests = {
    cpu: `${Math.round(cpu * 10)}m`,
    memory: formatKi(Math.max(1, Math.ceil(mem * unitKi))),
  };
  const metadata: Json = {
    name: `task-${job}-${task}-${index}`,
    labels: { app: 'alibaba-batch', 'alibaba.com/job': String(job), 'alibaba.com/task': String(task) },
  };
  if (runMs !== undefined) metadata.annotations = annotations;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'task', image: BATCH_IMAGE, resources: { requests } }],
    },
  };
}
