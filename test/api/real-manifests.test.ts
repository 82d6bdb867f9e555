import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { normalizeManifest } from '../../src/api/manifest.js';

// Real-world manifests live outside the repository; the suite runs only where they exist.
const dir = join(import.meta.dirname, '../../../shared/data/manifests');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];

describe.skipIf(!existsSync(dir))('real manifests', () => {
  it.each(files)('%s normalizes without errors', (file) => {
    const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
    let objects = 0;
    for (const doc of docs) {
      const result = normalizeManifest(doc.toJS());
      expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
      if (result.object !== undefined) objects++;
    }
    expect(objects).toBeGreaterThan(0);
  });
});
