import { createRequire } from 'node:module';

/** kubesim's version, from package.json (recorded in every summary). */
export const KUBESIM_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
