import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ACTION_NAMES,
  ScenarioSchema,
  scenarioJsonSchema,
  scenarioJsonSchemaText,
} from '../../src/scenario/schema.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../docs/scenario.schema.json', import.meta.url));

describe('docs/scenario.schema.json', () => {
  it('equals freshly generated output (run `npm run schema` after changing the schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('describes the document: strict objects, the fixed apiVersion and every action', () => {
    const schema = scenarioJsonSchema() as {
      properties: Record<string, { const?: string; properties?: Record<string, unknown> }>;
      additionalProperties: boolean;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.apiVersion?.const).toBe('kubesim.io/v1alpha1');
    expect(schema.properties.kind?.const).toBe('Scenario');
    const text = JSON.stringify(schema);
    for (const action of ACTION_NAMES) expect(text).toContain(`"const":"${action}"`);
  });
});

describe('ScenarioSchema', () => {
  const base = { apiVersion: 'kubesim.io/v1alpha1', kind: 'Scenario', metadata: { name: 'x' } };

  it('accepts a minimal document and rejects unknown fields', () => {
    expect(ScenarioSchema.safeParse({ ...base, spec: { duration: '1h' } }).success).toBe(true);
    const r = ScenarioSchema.safeParse({ ...base, spec: { duration: '1h', clustr: {} } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['clustr'], path: ['spec'] });
  });

  it('keeps manifests loose for normalizeManifest to check', () => {
    const r = ScenarioSchema.safeParse({
      ...base,
      spec: { duration: 5000, objects: [{ apiVersion: 'v1', kind: 'Pod', anything: { goes: true } }] },
    });
    expect(r.success).toBe(true);
  });
});
