import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { EventLog, type HashMode } from '../../src/metrics/event-log.js';
import { at, deployment, node, pod, setup } from './helpers.js';

/** A small deterministic run; `variant` changes exactly one event. */
function run(hashMode: HashMode, variant = 0): { hash: string; lines: string[]; count: number } {
  const { engine, store } = setup(7);
  const lines: string[] = [];
  const log = new EventLog(store, { hashMode, sink: (line) => lines.push(line) });
  store.create(node('n1', '4', '8Gi'), 'timeline');
  store.create(deployment('web', 2), 'timeline');
  for (let i = 0; i < 5; i++) store.create(pod(`p${i}`, { cpu: '100m' }), 'replicaset-controller');
  at(engine, 100);
  for (let i = 0; i < 5; i++) {
    const p = store.get<Pod>('Pod', 'default', `p${i}`)!;
    store.bind('default', p.metadata.name, p.metadata.uid!, 'n1', 'default-scheduler');
  }
  at(engine, variant === 1 ? 201 : 200);
  const p0 = store.get<Pod>('Pod', 'default', 'p0')!;
  store.updateStatus<Pod>(
    { ...p0, status: { phase: 'Running', startTime: 200, hostIP: variant === 2 ? '10.0.0.2' : '10.0.0.1' } },
    'kubelet/n1',
  );
  at(engine, 300);
  store.delete('Pod', 'default', 'p4', 'timeline', { gracePeriodSeconds: 0 });
  return { hash: log.runHash, lines, count: log.lines };
}

describe('EventLog', () => {
  it('writes the canonical line for each change', () => {
    const { lines, count } = run('full');
    expect(count).toBe(14);
    expect(lines).toHaveLength(14);
    expect(lines[0]).toBe(
      '{"t":0,"seq":0,"type":"ADDED","kind":"Node","namespace":"","name":"n1","resourceVersion":"1","actor":"timeline",' +
        '"object":{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","uid":"00000000-0000-4000-8000-000000000001",' +
        '"resourceVersion":"1","creationTimestamp":0},"status":{"allocatable":{"cpu":"4","memory":"8Gi","pods":110},' +
        '"conditions":[{"type":"Ready","status":"True"}]}}}',
    );
    const last = JSON.parse(lines[13]!);
    expect(Object.keys(last)).toEqual([
      't',
      'seq',
      'type',
      'kind',
      'namespace',
      'name',
      'resourceVersion',
      'actor',
      'object',
    ]);
    expect(last).toMatchObject({
      t: 300,
      seq: 13,
      type: 'DELETED',
      kind: 'Pod',
      namespace: 'default',
      name: 'p4',
    });
  });

  it('full run hash is the SHA-256 of the events.jsonl bytes', () => {
    const { hash, lines } = run('full');
    const expected = createHash('sha256')
      .update(lines.map((l) => `${l}\n`).join(''))
      .digest('hex');
    expect(hash).toBe(expected);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(['full', 'compact'] as const)('%s hash: identical runs agree, a changed event differs', (mode) => {
    const a = run(mode);
    const b = run(mode);
    expect(a.hash).toBe(b.hash);
    expect(a.lines).toEqual(b.lines);
    const timeChanged = run(mode, 1);
    expect(timeChanged.hash).not.toBe(a.hash);
    expect(run('full', 2).hash).not.toBe(run('full').hash); // a field compact mode does not see
    expect(run('compact').hash).not.toBe(run('full').hash);
  });

  it('compact mode ignores fields outside its record', () => {
    expect(run('compact', 2).hash).toBe(run('compact').hash);
  });

  it('hashes long and non-ASCII lines as their UTF-8 bytes', () => {
    const { engine, store } = setup();
    const lines: string[] = [];
    const log = new EventLog(store, { sink: (l) => lines.push(l) });
    store.create(node('n-é', '1', '1Gi'), 'test');
    const big = 'ü€😀x'.repeat(60_000); // far larger than the hash buffer
    store.create(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'default' }, data: { big } },
      'test',
    );
    at(engine, 1);
    for (let i = 0; i < 2000; i++) store.create(pod(`p-ß-${i}`), 'test');
    const expected = createHash('sha256')
      .update(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'))
      .digest('hex');
    expect(log.runHash).toBe(expected);
    expect(JSON.parse(lines[1]!).object.data.big).toBe(big);
  });

  it('can be read before the end and keeps hashing afterwards', () => {
    const { engine, store } = setup();
    const log = new EventLog(store);
    const empty = log.runHash;
    expect(empty).toBe(createHash('sha256').digest('hex'));
    store.create(node('n1', '1', '1Gi'), 'test');
    const one = log.runHash;
    expect(one).not.toBe(empty);
    expect(log.runHash).toBe(one);
    at(engine, 5);
    store.create(node('n2', '1', '1Gi'), 'test');
    expect(log.runHash).not.toBe(one);
    expect(log.lines).toBe(2);
  });
});
