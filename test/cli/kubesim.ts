// Runs the `kubesim` command in-process and captures what it prints (for the CLI tests).

import { main } from '../../src/cli/main.js';

export async function kubesim(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
