// Guards the shape of the code base: layers import downward only (docs/architecture.md), and
// simulation code never reads the wall clock or unseeded randomness (DESIGN §4).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

const ALLOWED: Record<string, string[]> = {
  engine: [],
  api: ['engine'],
  store: ['api', 'engine'],
  node: ['store', 'api', 'engine'],
  controllers: ['store', 'api', 'engine'],
  scheduler: ['store', 'api', 'engine'],
  metrics: ['store', 'api', 'engine'],
  sim: ['scheduler', 'controllers', 'node', 'metrics', 'store', 'api', 'engine', 'version.ts'],
  scenario: ['sim', 'scheduler', 'controllers', 'node', 'metrics', 'store', 'api', 'engine'],
  testing: ['scenario', 'sim', 'scheduler', 'controllers', 'node', 'metrics', 'store', 'api', 'engine'],
  cli: ['*'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('architecture', () => {
  const sources = files(SRC);

  test('layers import downward only', () => {
    const violations: string[] = [];
    for (const file of sources) {
      const rel = relative(SRC, file);
      const layer = rel.includes('/') ? rel.split('/')[0]! : null;
      if (layer === null) continue;
      const allowed = ALLOWED[layer];
      if (allowed === undefined) {
        violations.push(`${rel}: folder ${layer} has no layer rule`);
        continue;
      }
      if (allowed.includes('*')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = relative(SRC, join(file, '..', m[1]!));
        const targetLayer = target.includes('/') ? target.split('/')[0]! : target.replace(/\.js$/, '.ts');
        if (targetLayer === layer || allowed.includes(targetLayer)) continue;
        violations.push(`${rel} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('no wall clock or unseeded randomness outside src/cli', () => {
    const hits: string[] = [];
    for (const file of sources) {
      const rel = relative(SRC, file);
      if (rel.startsWith('cli/')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/Math\.random|Date\.now|performance\.now|new Date\(/.test(line))
            hits.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
