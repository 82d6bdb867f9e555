// `kubesim import alibaba-gpu-2023`: Alibaba's GPU cluster trace v2023 ("openb", Weng et al.,
// ATC '23) → nodes from the node list and pods created at their trace arrival times.
//
// Mappings (docs/importers.md has the reasoning):
// - node: cpu_milli → cpu "<n>m", memory_mib → memory "<n>Mi", pods "110" (the kubelet default),
//   gpu → nvidia.com/gpu and alibabacloud.com/gpu-milli (1000 per GPU), model → label
//   alibabacloud.com/gpu-card-model (the label Alibaba's own node YAML uses);
// - pod: requests from cpu_milli/memory_mib; GPUs as alibabacloud.com/gpu-milli = num_gpu × gpu_milli
//   (default), or whole nvidia.com/gpu with gpuMode 'whole'; gpu_spec → required node affinity on
//   the card model; qos → label alibabacloud.com/qos, and limits = requests for Guaranteed;
//   restartPolicy Never with kubesim.io/run-time = deletion − scheduled (− creation if never
//   scheduled), so the pod ends Succeeded when its trace lifetime is over.

import { formatDuration } from '../../api/duration.js';
import { type CsvRow, RowReader, readCsv } from './csv.js';
import { formatFraction, inWindow, Sampler, scaledMs, type Window } from './options.js';
import { count, emptyScenario, type ImportedScenario } from './output.js';
import { readInput } from './problems.js';

type Json = Record<string, unknown>;

export type GpuMode = 'milli' | 'whole';

export interface AlibabaGpuOptions {
  nodesFile: string;
  podsFile: string;
  name: string;
  window: Window;
  sample: number;
  scaleTime: number;
  seed: number;
  gpuMode: GpuMode;
}

export const NODE_COLUMNS = ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model'] as const;
export const POD_COLUMNS = [
  'name',
  'cpu_milli',
  'memory_mib',
  'num_gpu',
  'gpu_milli',
  'gpu_spec',
  'qos',
  'pod_phase',
  'creation_time',
  'deletion_time',
  'scheduled_time',
] as const;

export const GPU_MODEL_LABEL = 'alibabacloud.com/gpu-card-model';
export const QOS_LABEL = 'alibabacloud.com/qos';
export const GPU_MILLI = 'alibabacloud.com/gpu-milli';
export const GPU = 'nvidia.com/gpu';
export const TASK_IMAGE = 'alibaba/openb-task';
const QOS_CLASSES = new Set(['LS', 'BE', 'Burstable', 'Guaranteed']);

export function importAlibabaGpu(options: AlibabaGpuOptions): ImportedScenario {
  const out = emptyScenario(options.name, `imported from ${options.nodesFile} and ${options.podsFile}`);
  out.seed = options.seed;
  // The trace gives no image; a zero pull time makes the run start at the scheduled time + the start time.
  out.images = { [TASK_IMAGE]: { pullTime: '0s' } };

  const nodesCsv = readCsv(readInput(options.nodesFile, 'node list'), options.nodesFile, {
    columns: NODE_COLUMNS,
    header: 'required',
    what: 'the openb node list',
  });
  const nr = new RowReader(options.nodesFile, nodesCsv.index);
  for (const row of nodesCsv.table.rows) {
    const name = nr.string(row, 'sn');
    if (name === '') throw nr.error(row, 'sn', 'sn: empty node name', 'every node needs a name');
    const gpus = nr.number(row, 'gpu', { integer: true, min: 0 });
    const model = nr.string(row, 'model');
    const labels: Record<string, string> = { 'kubernetes.io/hostname': name };
    const resources: Record<string, string> = {
      cpu: `${nr.number(row, 'cpu_milli', { integer: true, min: 0 })}m`,
      memory: `${nr.number(row, 'memory_mib', { integer: true, min: 0 })}Mi`,
      pods: '110',
    };
    if (gpus > 0) {
      resources[GPU] = String(gpus);
      resources[GPU_MILLI] = String(gpus * 1000);
      if (model !== '') labels[GPU_MODEL_LABEL] = model;
    }
    out.nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      status: { capacity: resources, allocatable: resources },
    });
  }

  const podsCsv = readCsv(readInput(options.podsFile, 'pod list'), options.podsFile, {
    columns: POD_COLUMNS,
    header: 'required',
    what: 'the openb pod list',
  });
  const pr = new RowReader(options.podsFile, podsCsv.index);
  const sampler = new Sampler(options.sample, options.seed, 'alibaba-gpu-2023/pods');
  const { startMs, endMs } = options.window;
  let alive = 0;
  let arriving = 0;
  let lastMs = startMs;
  for (const row of podsCsv.table.rows) {
    const keep = sampler.keep();
    const creation = pr.number(row, 'creation_time', { min: 0 }) * 1000;
    const deletion = pr.number(row, 'deletion_time', { min: 0 }) * 1000;
    const scheduledS = pr.optionalNumber(row, 'scheduled_time', { min: 0 });
    const scheduled = scheduledS === undefined ? undefined : scheduledS * 1000;
    const qos = pr.string(row, 'qos');
    if (qos !== '' && !QOS_CLASSES.has(qos)) {
      throw pr.error(
        row,
        'qos',
        `qos: unknown class ${JSON.stringify(qos)}`,
        `expected one of ${[...QOS_CLASSES].join(', ')}`,
      );
    }
    const pod = buildPod(row, pr, options.gpuMode);
    if (!keep) continue;
    const started = scheduled ?? creation;
    if (inWindow(options.window, creation)) {
      setRunTime(pod, deletion - started, options.scaleTime);
      out.timeline.push({
        at: scaledMs((creation - startMs) / 1000, options.scaleTime),
        action: 'apply',
        object: pod,
      });
      arriving++;
      lastMs = Math.max(lastMs, creation);
    } else if (creation < startMs && deletion > startMs) {
      // Alive when the window opens: there from t=0 for what is left of its lifetime.
      setRunTime(pod, deletion - Math.max(startMs, started), options.scaleTime);
      out.objects.push(pod);
      alive++;
    }
  }
  const spanMs = (endMs ?? lastMs + 1000) - startMs;
  out.durationMs = scaledMs(spanMs / 1000, options.scaleTime);
  const windowText = `window ${formatDuration(startMs)}–${endMs === undefined ? 'end' : formatDuration(endMs)}`;
  out.summary =
    `${count(out.nodes.length)} nodes, ${count(arriving + alive)} pods` +
    ` (${windowText}, ${count(alive)} already running at its start, sample ${formatFraction(options.sample)})`;
  return out;
}

function setRunTime(pod: Json, ms: number, scale: number): void {
  const meta = pod.metadata as { annotations: Record<string, string> };
  meta.annotations['kubesim.io/run-time'] = formatDuration(scaledMs(Math.max(0, ms) / 1000, scale));
}

function buildPod(row: CsvRow, pr: RowReader, gpuMode: GpuMode): Json {
  const name = pr.string(row, 'name');
  if (name === '') throw pr.error(row, 'name', 'name: empty pod name', 'every pod needs a name');
  const requests: Record<string, string> = {
    cpu: `${pr.number(row, 'cpu_milli', { integer: true, min: 0 })}m`,
    memory: `${pr.number(row, 'memory_mib', { integer: true, min: 0 })}Mi`,
  };
  const limits: Record<string, string> = {};
  const numGpu = pr.number(row, 'num_gpu', { integer: true, min: 0 });
  if (numGpu > 0) {
    const milli = pr.number(row, 'gpu_milli', { integer: true, min: 0 });
    if (milli > 1000)
      throw pr.error(
        row,
        'gpu_milli',
        `gpu_milli: ${milli} is more than one GPU`,
        'gpu_milli is the share of one GPU, 0–1000',
      );
    // Extended resources cannot be overcommitted: their limit must equal the request.
    if (gpuMode === 'whole') requests[GPU] = limits[GPU] = String(numGpu);
    else requests[GPU_MILLI] = limits[GPU_MILLI] = String(numGpu * milli);
  }
  const qos = pr.string(row, 'qos');
  if (qos === 'Guaranteed') {
    limits.cpu = requests.cpu!;
    limits.memory = requests.memory!;
  }
  const spec: Json = {
    restartPolicy: 'Never',
    containers: [
      {
        name: 'task',
        image: TASK_IMAGE,
        resources: Object.keys(limits).length > 0 ? { requests, limits } : { requests },
      },
    ],
  };
  const allowed = pr.string(row, 'gpu_spec');
  if (allowed !== '') {
    const values = allowed
      .split('|')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_MODEL_LABEL, operator: 'In', values }] }],
        },
      },
    };
  }
  const labels: Record<string, string> = { app: 'openb' };
  if (qos !== '') labels[QOS_LABEL] = qos;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, annotations: {} as Record<string, string> },
    spec,
  };
}
