// orphanCandidates: a workload's adoptable orphans through the label index must be exactly the
// orphans of the namespace index that carry the chosen label pair, in the same order (claimObjects
// adopts in candidate order, so the order is part of the result).

import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import type { KubeObject, LabelSelector } from '../../src/api/types.js';
import {
  ORPHAN_LABEL_INDEX,
  ORPHAN_NAMESPACE_INDEX,
  orphanCandidates,
  orphanLabels,
  orphanNamespace,
} from '../../src/controllers/keys.js';
import { Engine } from '../../src/engine/engine.js';
import { Client } from '../../src/store/client.js';
import { Informer } from '../../src/store/informer.js';
import { Store } from '../../src/store/store.js';

type Op =
  | { op: 'create' | 'relabel'; i: number; labels: Record<string, string> }
  | { op: 'own' | 'disown' | 'delete'; i: number }
  | { op: 'index' };

const labelsArb = fc.record(
  { app: fc.constantFrom('a', 'b'), tier: fc.constantFrom('x', 'y') },
  { requiredKeys: [] },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constantFrom('create' as const, 'relabel' as const),
    i: fc.nat({ max: 7 }),
    labels: labelsArb,
  }),
  fc.record({
    op: fc.constantFrom('own' as const, 'disown' as const, 'delete' as const),
    i: fc.nat({ max: 7 }),
  }),
  fc.constant({ op: 'index' as const }),
);
const SELECTORS: LabelSelector[] = [
  { matchLabels: { app: 'a' } },
  { matchLabels: { app: 'b', tier: 'x' } },
  { matchLabels: { tier: 'y' } },
  { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
];

function configMap(i: number, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'ns', labels } };
}

test.prop([fc.array(opArb, { maxLength: 40 })])(
  'the label index lists the same orphans as the namespace index, in the same order',
  (ops) => {
    const engine = new Engine(1);
    const store = new Store(engine, engine.random.stream('names'));
    const client = new Client(store, 'test');
    const informer = new Informer<KubeObject>(store, engine, 'ConfigMap');
    let indexed = false;
    const addIndexes = () => {
      informer.addIndex(ORPHAN_NAMESPACE_INDEX, orphanNamespace);
      informer.addIndex(ORPHAN_LABEL_INDEX, orphanLabels);
      indexed = true;
    };
    for (const o of ops) {
      const current = client.get<KubeObject>('ConfigMap', 'ns', `cm-${'i' in o ? o.i : 0}`);
      if (o.op === 'index') {
        if (!indexed) addIndexes();
      } else if (o.op === 'create') {
        if (current === undefined) client.create(configMap(o.i, o.labels));
      } else if (current === undefined) {
      } else if (o.op === 'relabel') {
        client.update({ ...current, metadata: { ...current.metadata, labels: o.labels } });
      } else if (o.op === 'own' || o.op === 'disown') {
        const ownerReferences =
          o.op === 'own'
            ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }]
            : [];
        client.update({ ...current, metadata: { ...current.metadata, ownerReferences } });
      } else {
        client.delete('ConfigMap', 'ns', current.metadata.name);
      }
    }
    if (!indexed) addIndexes();
    for (const selector of SELECTORS) {
      const pairs = Object.entries(selector.matchLabels ?? {});
      const names = (xs: Iterable<KubeObject>) =>
        [...xs]
          .filter((x) => pairs.every(([k, v]) => x.metadata.labels?.[k] === v))
          .map((x) => x.metadata.name);
      expect(names(orphanCandidates(informer, 'ns', selector))).toEqual(
        names(informer.byIndex(ORPHAN_NAMESPACE_INDEX, 'ns')),
      );
    }
  },
);
