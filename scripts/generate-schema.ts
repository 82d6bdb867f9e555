// Writes docs/scenario.schema.json from the zod schema of scenario files (npm run schema).
// test/scenario/schema.test.ts fails when the committed file differs from this output.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../src/scenario/schema.js';

const target = fileURLToPath(new URL('../docs/scenario.schema.json', import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
