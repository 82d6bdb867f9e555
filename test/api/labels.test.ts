import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  compileLabelSelector,
  compileNodeSelector,
  compileNodeSelectorTerm,
  labelSelectorToString,
  matchesLabelSelector,
  matchesNodeSelectorMap,
  nodeMatchesSelectorTerms,
  validateLabelSelector,
  validateLabels,
  validateNodeSelector,
} from '../../src/api/labels.js';
import type { LabelSelector, NodeSelectorRequirement, NodeSelectorTerm } from '../../src/api/types.js';

const web = { app: 'web', tier: 'frontend' };

describe('compileLabelSelector', () => {
  it('null and undefined select nothing; {} selects everything', () => {
    expect(matchesLabelSelector(null, web)).toBe(false);
    expect(matchesLabelSelector(undefined, {})).toBe(false);
    expect(matchesLabelSelector({}, web)).toBe(true);
    expect(matchesLabelSelector({}, undefined)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: {}, matchExpressions: [] }, web)).toBe(true);
  });

  it.each<[string, LabelSelector, Record<string, string> | undefined, boolean]>([
    ['matchLabels hit', { matchLabels: { app: 'web' } }, web, true],
    ['matchLabels miss', { matchLabels: { app: 'db' } }, web, false],
    ['matchLabels on no labels', { matchLabels: { app: 'web' } }, undefined, false],
    [
      'In hit',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'frontend'] }] },
      web,
      true,
    ],
    ['In absent key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, web, false],
    [
      'NotIn hit',
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] },
      web,
      false,
    ],
    [
      'NotIn absent key',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      web,
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, web, true],
    ['Exists absent', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, web, false],
    ['DoesNotExist absent', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, web, true],
    ['DoesNotExist present', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, web, false],
    [
      'AND of labels and expressions',
      {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }],
      },
      web,
      false,
    ],
    [
      'prototype keys are not labels',
      { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] },
      {},
      false,
    ],
    ['empty value matches empty label', { matchLabels: { app: '' } }, { app: '' }, true],
  ])('%s', (_name, sel, labels, expected) => {
    expect(compileLabelSelector(sel)(labels)).toBe(expected);
  });

  it.each<[string, LabelSelector]>([
    ['In without values', { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }],
    ['NotIn without values', { matchExpressions: [{ key: 'app', operator: 'NotIn' }] }],
    ['Exists with values', { matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] }],
    ['unknown operator', { matchExpressions: [{ key: 'app', operator: 'Gt' as 'In', values: ['1'] }] }],
    ['bad key', { matchLabels: { 'bad key': 'x' } }],
    ['bad value', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['no spaces'] }] }],
  ])('a selector upstream cannot parse selects nothing: %s', (_name, sel) => {
    expect(compileLabelSelector(sel)(web)).toBe(false);
    expect(compileLabelSelector(sel)({})).toBe(false);
  });
});

describe('node selectors', () => {
  const labels = { 'kubernetes.io/hostname': 'n1', zone: 'a', cores: '8', gpu: 'yes' };
  const expr = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]) =>
    values === undefined ? { key, operator } : { key, operator, values };

  it.each<[string, NodeSelectorRequirement, boolean]>([
    ['In', expr('zone', 'In', ['a', 'b']), true],
    ['NotIn', expr('zone', 'NotIn', ['a']), false],
    ['NotIn absent', expr('region', 'NotIn', ['x']), true],
    ['Exists', expr('gpu', 'Exists'), true],
    ['DoesNotExist', expr('gpu', 'DoesNotExist'), false],
    ['Gt true', expr('cores', 'Gt', ['4']), true],
    ['Gt equal', expr('cores', 'Gt', ['8']), false],
    ['Lt true', expr('cores', 'Lt', ['16']), true],
    ['Lt false', expr('cores', 'Lt', ['8']), false],
    ['Gt on non-integer label', expr('zone', 'Gt', ['1']), false],
    ['Gt on absent label', expr('memory', 'Gt', ['1']), false],
    ['Gt with two values', expr('cores', 'Gt', ['1', '2']), false],
    ['Gt with non-integer value', expr('cores', 'Gt', ['x']), false],
    ['Lt with no value', expr('cores', 'Lt'), false],
  ])('%s', (_name, req, expected) => {
    expect(nodeMatchesSelectorTerms([{ matchExpressions: [req] }], 'n1', labels)).toBe(expected);
  });

  it('matchFields compares metadata.name', () => {
    const inN1: NodeSelectorTerm = {
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }],
    };
    const notN1: NodeSelectorTerm = {
      matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }],
    };
    expect(nodeMatchesSelectorTerms([inN1], 'n1', labels)).toBe(true);
    expect(nodeMatchesSelectorTerms([inN1], 'n2', labels)).toBe(false);
    expect(nodeMatchesSelectorTerms([notN1], 'n1', labels)).toBe(false);
    expect(nodeMatchesSelectorTerms([notN1], 'n2', labels)).toBe(true);
  });

  it('matchFields needs exactly one value and In/NotIn', () => {
    const two: NodeSelectorTerm = {
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }],
    };
    const exists: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'Exists' }] };
    expect(nodeMatchesSelectorTerms([two], 'n1', labels)).toBe(false);
    expect(nodeMatchesSelectorTerms([exists], 'n1', labels)).toBe(false);
  });

  it('expressions and fields in one term must all hold', () => {
    const term: NodeSelectorTerm = {
      matchExpressions: [expr('zone', 'In', ['a'])],
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }],
    };
    expect(nodeMatchesSelectorTerms([term], 'n1', labels)).toBe(true);
    expect(nodeMatchesSelectorTerms([term], 'n2', labels)).toBe(false);
    expect(nodeMatchesSelectorTerms([term], 'n1', { zone: 'b' })).toBe(false);
  });

  it('empty terms and empty term lists match nothing; an absent selector matches everything', () => {
    expect(nodeMatchesSelectorTerms([], 'n1', labels)).toBe(false);
    expect(nodeMatchesSelectorTerms(undefined, 'n1', labels)).toBe(false);
    expect(nodeMatchesSelectorTerms([{}], 'n1', labels)).toBe(false);
    expect(nodeMatchesSelectorTerms([{ matchExpressions: [], matchFields: [] }], 'n1', labels)).toBe(false);
    expect(compileNodeSelectorTerm({})('n1', labels)).toBe(false);
    expect(compileNodeSelector(undefined)('n1', labels)).toBe(true);
    expect(compileNodeSelector({ nodeSelectorTerms: [] })('n1', labels)).toBe(false);
  });

  it('an unparsable term does not stop another term from matching', () => {
    const bad: NodeSelectorTerm = { matchExpressions: [expr('zone', 'In', [])] };
    const good: NodeSelectorTerm = { matchExpressions: [expr('zone', 'In', ['a'])] };
    expect(nodeMatchesSelectorTerms([bad, good], 'n1', labels)).toBe(true);
    expect(nodeMatchesSelectorTerms([bad], 'n1', labels)).toBe(false);
  });
});

describe('matchesNodeSelectorMap', () => {
  it.each<[Record<string, string> | undefined, Record<string, string> | undefined, boolean]>([
    [undefined, undefined, true],
    [{}, { a: '1' }, true],
    [{ a: '1' }, { a: '1', b: '2' }, true],
    [{ a: '1', b: '2' }, { a: '1' }, false],
    [{ a: '1' }, { a: '2' }, false],
    [{ a: '1' }, undefined, false],
    [{ a: '' }, { a: '' }, true],
    [{ a: '' }, {}, false],
  ])('%j on %j -> %s', (sel, labels, expected) => {
    expect(matchesNodeSelectorMap(sel, labels)).toBe(expected);
  });
});

describe('validateLabels', () => {
  it('accepts valid keys and values', () => {
    expect(
      validateLabels(
        {
          app: 'web',
          'app.kubernetes.io/name': 'x',
          'example.com/a_b.c-d': 'A.b_c-1',
          k: '',
          [`a${'b'.repeat(62)}`]: 'v',
        },
        ['metadata', 'labels'],
      ),
    ).toEqual([]);
  });

  it.each([
    ['', 'v', /non-empty/],
    ['-app', 'v', /invalid label key name "-app"/],
    ['a/b/c', 'v', /more than one/],
    ['/app', 'v', /invalid label key prefix ""/],
    ['Example.com/app', 'v', /invalid label key prefix "Example.com"/],
    [`${'a'.repeat(64)}`, 'v', /invalid label key name/],
    [`${'a'.repeat(254)}/x`, 'v', /invalid label key prefix/],
    ['app', 'bad value', /invalid label value "bad value"/],
    ['app', 'v'.repeat(64), /invalid label value/],
    ['app', '-v', /invalid label value/],
  ])('%j: %j', (key, value, message) => {
    const issues = validateLabels({ [key]: value }, ['metadata', 'labels']);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.severity).toBe('error');
    expect(issues[0]!.path).toEqual(['metadata', 'labels', key]);
    expect(issues[0]!.message).toMatch(message);
    expect(issues[0]!.hint).toBeTruthy();
  });
});

describe('validateLabelSelector', () => {
  const path = ['spec', 'selector'];

  it('accepts valid selectors and absent ones', () => {
    expect(validateLabelSelector(undefined, path)).toEqual([]);
    expect(validateLabelSelector({}, path)).toEqual([]);
    expect(
      validateLabelSelector(
        {
          matchLabels: { app: 'web' },
          matchExpressions: [
            { key: 'tier', operator: 'In', values: ['a'] },
            { key: 'x', operator: 'DoesNotExist' },
          ],
        },
        path,
      ),
    ).toEqual([]);
  });

  it.each<[LabelSelector, (string | number)[], RegExp]>([
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      ['matchExpressions', 0, 'values'],
      /In needs at least one value/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'NotIn' }] },
      ['matchExpressions', 0, 'values'],
      /NotIn needs at least one value/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      ['matchExpressions', 0, 'values'],
      /Exists takes no values/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Equals' as 'In', values: ['x'] }] },
      ['matchExpressions', 0, 'operator'],
      /unknown operator "Equals"/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Gt' as 'In', values: ['1'] }] },
      ['matchExpressions', 0, 'operator'],
      /unknown operator "Gt"/,
    ],
    [
      { matchExpressions: [{ key: 'a b', operator: 'Exists' }] },
      ['matchExpressions', 0, 'key'],
      /invalid label key name "a b"/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', 'not ok'] }] },
      ['matchExpressions', 0, 'values', 1],
      /invalid label value "not ok"/,
    ],
    [{ matchLabels: { app: 'web!' } }, ['matchLabels', 'app'], /invalid label value/],
  ])('%j', (sel, subPath, message) => {
    const issues = validateLabelSelector(sel, path);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual([...path, ...subPath]);
    expect(issues[0]!.message).toMatch(message);
  });
});

describe('validateNodeSelector', () => {
  const path = ['spec', 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'];
  const tp = [...path, 'nodeSelectorTerms', 0];

  it('accepts valid selectors', () => {
    expect(validateNodeSelector(undefined, path)).toEqual([]);
    expect(
      validateNodeSelector(
        {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'cores', operator: 'Gt', values: ['4'] },
                { key: 'zone', operator: 'In', values: ['a'] },
              ],
              matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }],
            },
          ],
        },
        path,
      ),
    ).toEqual([]);
  });

  it('requires at least one term', () => {
    const issues = validateNodeSelector({ nodeSelectorTerms: [] }, path);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual([...path, 'nodeSelectorTerms']);
  });

  it('warns about an empty term', () => {
    const issues = validateNodeSelector({ nodeSelectorTerms: [{}] }, path);
    expect(issues).toEqual([
      {
        severity: 'warning',
        path: tp,
        message: 'empty term matches no node',
        hint: 'add matchExpressions or matchFields',
      },
    ]);
  });

  it.each<[NodeSelectorTerm, (string | number)[], RegExp]>([
    [
      { matchExpressions: [{ key: 'c', operator: 'Gt', values: [] }] },
      ['matchExpressions', 0, 'values'],
      /exactly one/,
    ],
    [
      { matchExpressions: [{ key: 'c', operator: 'Lt', values: ['1', '2'] }] },
      ['matchExpressions', 0, 'values'],
      /exactly one/,
    ],
    [
      { matchExpressions: [{ key: 'c', operator: 'Gt', values: ['1.5'] }] },
      ['matchExpressions', 0, 'values', 0],
      /integer/,
    ],
    [
      { matchExpressions: [{ key: 'c', operator: 'Near' as 'In', values: ['1'] }] },
      ['matchExpressions', 0, 'operator'],
      /unknown operator/,
    ],
    [
      { matchFields: [{ key: 'spec.unschedulable', operator: 'In', values: ['x'] }] },
      ['matchFields', 0, 'key'],
      /unsupported field/,
    ],
    [
      { matchFields: [{ key: 'metadata.name', operator: 'Exists' }] },
      ['matchFields', 0, 'operator'],
      /unsupported field operator/,
    ],
    [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a', 'b'] }] },
      ['matchFields', 0, 'values'],
      /exactly one value/,
    ],
  ])('%j', (term, subPath, message) => {
    const issues = validateNodeSelector({ nodeSelectorTerms: [term] }, path);
    expect(issues.map((i) => i.path)).toContainEqual([...tp, ...subPath]);
    expect(issues.some((i) => message.test(i.message))).toBe(true);
    expect(issues.every((i) => i.severity === 'error')).toBe(true);
  });
});

describe('labelSelectorToString', () => {
  it.each<[LabelSelector | null | undefined, string]>([
    [null, '<none>'],
    [undefined, '<none>'],
    [{}, '<all>'],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['b', 'a'] },
          { key: 'foo', operator: 'DoesNotExist' },
        ],
      },
      'app=web,!foo,tier in (a,b)',
    ],
    [
      {
        matchExpressions: [
          { key: 'x', operator: 'NotIn', values: ['1'] },
          { key: 'gpu', operator: 'Exists' },
        ],
      },
      'gpu,x notin (1)',
    ],
  ])('%j -> %s', (sel, expected) => {
    expect(labelSelectorToString(sel)).toBe(expected);
  });
});

// ---------------------------------------------------------------- properties

const labelPart = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/);
const labelMap = fc.dictionary(labelPart, labelPart, { maxKeys: 6 });

describe('label selector properties', () => {
  test.prop([labelMap, labelMap], { seed: 1234 })(
    'matchLabels matches its own map and any superset',
    (sel, extra) => {
      const match = compileLabelSelector({ matchLabels: sel });
      expect(match(sel)).toBe(true);
      expect(match({ ...extra, ...sel })).toBe(true);
    },
  );

  test.prop([labelMap], { seed: 1234 })('{} matches everything and null nothing', (labels) => {
    expect(compileLabelSelector({})(labels)).toBe(true);
    expect(compileLabelSelector(null)(labels)).toBe(false);
  });

  test.prop(
    [labelMap.filter((m) => Object.keys(m).length > 0), fc.array(labelPart, { minLength: 1, maxLength: 4 })],
    {
      seed: 1234,
    },
  )('NotIn is the negation of In when the key is present', (labels, values) => {
    for (const key of Object.keys(labels)) {
      const inSel = compileLabelSelector({ matchExpressions: [{ key, operator: 'In', values }] });
      const notInSel = compileLabelSelector({ matchExpressions: [{ key, operator: 'NotIn', values }] });
      expect(notInSel(labels)).toBe(!inSel(labels));
      expect(inSel(labels)).toBe(values.includes(labels[key]!));
    }
  });

  test.prop([labelMap, labelPart], { seed: 1234 })(
    'Exists and DoesNotExist are complementary',
    (labels, key) => {
      const exists = compileLabelSelector({ matchExpressions: [{ key, operator: 'Exists' }] })(labels);
      const absent = compileLabelSelector({ matchExpressions: [{ key, operator: 'DoesNotExist' }] })(labels);
      expect(exists).toBe(!absent);
      expect(exists).toBe(Object.hasOwn(labels, key));
    },
  );
});

describe('node selector properties', () => {
  // Small key/value alphabets so terms hit and miss often.
  const key = fc.constantFrom('a', 'b', 'c');
  const value = fc.constantFrom('1', '2', '3');
  const nodeLabels = fc.dictionary(key, value);
  const requirement: fc.Arbitrary<NodeSelectorRequirement> = fc.oneof(
    fc.record({
      key,
      operator: fc.constantFrom('In' as const, 'NotIn' as const),
      values: fc.array(value, { minLength: 1, maxLength: 2 }),
    }),
    fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
    fc.record({ key, operator: fc.constantFrom('Gt' as const, 'Lt' as const), values: fc.tuple(value) }),
  );
  const term = fc.record({ matchExpressions: fc.array(requirement, { minLength: 1, maxLength: 3 }) });

  test.prop([fc.array(term, { maxLength: 4 }), nodeLabels], { seed: 99 })(
    'a node matches the terms iff it matches at least one term',
    (terms, labels) => {
      const any = terms.some((t) => compileNodeSelectorTerm(t)('n', labels));
      expect(nodeMatchesSelectorTerms(terms, 'n', labels)).toBe(any);
    },
  );

  test.prop([term, nodeLabels], { seed: 99 })(
    'a term matches iff every expression matches on its own',
    (t, labels) => {
      const each = t.matchExpressions.every((e) =>
        compileNodeSelectorTerm({ matchExpressions: [e] })('n', labels),
      );
      expect(compileNodeSelectorTerm(t)('n', labels)).toBe(each);
    },
  );

  test.prop([term, nodeLabels, fc.constantFrom('n1', 'n2')], { seed: 99 })(
    'adding a metadata.name field narrows a term to that node',
    (t, labels, nodeName) => {
      const pinned = {
        ...t,
        matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: ['n1'] }],
      };
      const expected = compileNodeSelectorTerm(t)(nodeName, labels) && nodeName === 'n1';
      expect(compileNodeSelectorTerm(pinned)(nodeName, labels)).toBe(expected);
    },
  );
});
