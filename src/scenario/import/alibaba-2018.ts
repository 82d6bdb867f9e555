// `kubesim import alibaba-2018`: the machine_meta table of Alibaba's cluster trace v2018 → nodes
// with the trace's two failure-domain levels as topology labels, joining the cluster at their
// first status record.
//
// Mappings (docs/importers.md has the reasoning):
// - failure_domain_2 (21 values, the coarser level) → topology.kubernetes.io/zone "fd2-<v>";
// - failure_domain_1 (292 values, rack-like) → kubesim.io/rack "fd1-<v>". The trace does not nest
//   the two levels (one failure_domain_1 value occurs with several failure_domain_2 values), so a
//   rack is not inside one zone; spread over either label independently;
// - cpu_num → cpu, mem_size (normalised 0–100) → that share of nodeMemory, pods "110";
// - a machine whose first record is at t>0 joins by a timeline apply at that time; one that is
//   not USING yet (e.g. IMPORT_INSTALLING) joins cordoned and is uncordoned at its first USING
//   record. Later changes of failure domain are ignored (noted).

import { formatDuration } from '../../api/duration.js';
import { memoryToBytes } from '../../api/quantity.js';
import { RowReader, readCsv } from './csv.js';
import { count, emptyScenario, formatKi, type ImportedScenario } from './output.js';
import { note, readInput } from './problems.js';

type Json = Record<string, unknown>;

export interface Alibaba2018Options {
  machinesFile: string;
  name: string;
  /** Memory of a machine with mem_size 100, as a quantity. */
  nodeMemory: string;
  /** Default: one second after the last record. */
  durationMs?: number;
}

export const MACHINE_META_COLUMNS = [
  'machine_id',
  'time_stamp',
  'failure_domain_1',
  'failure_domain_2',
  'cpu_num',
  'mem_size',
  'status',
] as const;

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const RACK_LABEL = 'kubesim.io/rack';

interface Machine {
  id: string;
  firstMs: number;
  labels: Record<string, string>;
  cpu: number;
  memPercent: number;
  using: boolean;
  /** Time of the first USING record after a non-USING start. */
  usingMs?: number;
  domainChanged: boolean;
  line: number;
}

/** m_12 sorts before m_100. */
function machineOrder(a: string, b: string): number {
  const na = Number(a.replace(/^\D+/, ''));
  const nb = Number(b.replace(/^\D+/, ''));
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function importAlibaba2018(options: Alibaba2018Options): ImportedScenario {
  const out = emptyScenario(options.name, `imported from ${options.machinesFile}`);
  const memKi = memoryToBytes(options.nodeMemory) / 1024;
  const csv = readCsv(readInput(options.machinesFile, 'machine_meta file'), options.machinesFile, {
    columns: MACHINE_META_COLUMNS,
    header: 'detect',
    what: 'machine_meta.csv',
  });
  const r = new RowReader(options.machinesFile, csv.index);
  const machines = new Map<string, Machine>();
  let lastMs = 0;
  let invalidMemory = 0;
  const rows = csv.table.rows
    .map((row) => ({ row, ms: r.number(row, 'time_stamp', { min: 0 }) * 1000 }))
    .sort((a, b) => a.ms - b.ms);
  for (const { row, ms } of rows) {
    const id = r.string(row, 'machine_id');
    if (id === '')
      throw r.error(row, 'machine_id', 'machine_id: empty', 'every record names its machine, e.g. m_1');
    const fd1 = r.string(row, 'failure_domain_1');
    const fd2 = r.string(row, 'failure_domain_2');
    const using = r.string(row, 'status') === 'USING';
    lastMs = Math.max(lastMs, ms);
    const known = machines.get(id);
    if (known !== undefined) {
      if (known.labels[RACK_LABEL] !== `fd1-${fd1}` || known.labels[ZONE_LABEL] !== `fd2-${fd2}`)
        known.domainChanged = true;
      if (using && !known.using && known.usingMs === undefined) known.usingMs = ms;
      continue;
    }
    const cpu = r.number(row, 'cpu_num', { min: 1 });
    let memPercent = r.number(row, 'mem_size');
    // The trace marks an unknown normalised value with -1 or 101.
    if (memPercent < 0 || memPercent > 100) {
      invalidMemory++;
      memPercent = 100;
    }
    const labels: Record<string, string> = { 'kubernetes.io/hostname': id.replace(/_/g, '-') };
    if (fd2 !== '') labels[ZONE_LABEL] = `fd2-${fd2}`;
    if (fd1 !== '') labels[RACK_LABEL] = `fd1-${fd1}`;
    machines.set(id, {
      id,
      firstMs: ms,
      labels,
      cpu,
      memPercent,
      using,
      domainChanged: false,
      line: row.line,
    });
  }

  let joining = 0;
  let cordoned = 0;
  for (const m of [...machines.values()].sort((a, b) => machineOrder(a.id, b.id))) {
    const name = m.id.replace(/_/g, '-');
    const resources = {
      cpu: String(m.cpu),
      memory: formatKi(Math.floor((memKi * m.memPercent) / 100)),
      pods: '110',
    };
    const node: Json = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: m.labels } };
    if (!m.using) {
      node.spec = { unschedulable: true };
      cordoned++;
      if (m.usingMs !== undefined) out.timeline.push({ at: m.usingMs, action: 'uncordon', node: name });
    }
    node.status = { capacity: resources, allocatable: resources };
    if (m.firstMs === 0) out.nodes.push(node);
    else {
      out.timeline.push({ at: m.firstMs, action: 'apply', object: node });
      joining++;
    }
  }
  out.timeline.sort((a, b) => a.at - b.at);
  const changed = [...machines.values()].filter((m) => m.domainChanged);
  if (changed.length > 0) {
    out.notes.push(
      note(
        options.machinesFile,
        changed[0]!.line,
        1,
        `${count(changed.length)} machines change failure domain in later records (e.g. ${changed[0]!.id}); their first record's domains are used`,
        'kubesim node labels do not change during a run',
      ),
    );
  }
  if (invalidMemory > 0) {
    out.notes.push(
      note(
        options.machinesFile,
        1,
        1,
        `${count(invalidMemory)} machines have an invalid mem_size (-1 or 101); they get the full node memory`,
      ),
    );
  }
  out.durationMs = options.durationMs ?? (lastMs === 0 ? 3_600_000 : lastMs + 1000);
  const zones = new Set(
    [...machines.values()].map((m) => m.labels[ZONE_LABEL]).filter((z) => z !== undefined),
  );
  const racks = new Set(
    [...machines.values()].map((m) => m.labels[RACK_LABEL]).filter((z) => z !== undefined),
  );
  out.summary =
    `${count(machines.size)} nodes (${count(joining)} joining after t=0, ${count(cordoned)} cordoned until USING)` +
    ` in ${count(zones.size)} zones and ${count(racks.size)} racks over ${formatDuration(out.durationMs)}`;
  return out;
}
