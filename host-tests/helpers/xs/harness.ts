/**
 * XS harness: bundles a firmware test entry with esbuild and runs it inside Moddable's XS engine
 * (npm package @agoric/xsnap) in a child process, returning each command's result with XS's meter
 * figures: computrons (XS's count of executed operations) and heap slots.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface XsCommand {
  name: string;
  arg?: unknown;
  /** Collect garbage first, so `allocatedSlots` counts the slots this command allocated. */
  gcBefore?: boolean;
}

export interface XsCommandResult {
  name: string;
  value: unknown;
  computrons: number;
  heapSlotsAfter: number;
  /** Slots allocated by the command (only with gcBefore; includes a constant command-decoding overhead). */
  allocatedSlots: number | null;
  /** Time inside XS around the handler, from xsnap's performance.now(). */
  xsMs: number;
  /** Round trip seen from Node, including the pipe. */
  wallMs: number;
}

export interface XsEngineInfo {
  name: string;
  version: string;
  package: string;
  meterType: string;
}

export interface XsRun {
  engine: XsEngineInfo;
  setup: { computrons: number };
  results: XsCommandResult[];
  trace: string[];
}

const runnerPath = fileURLToPath(new URL('./runner.mjs', import.meta.url));

/** Bundles an entry module (TypeScript) into one script XS can evaluate. */
export async function bundleForXs(entryFile: string): Promise<string> {
  const result = await build({
    entryPoints: [entryFile],
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2024',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error(`esbuild produced no output for ${entryFile}`);
  return file.text;
}

export async function runInXs(entryFile: string, commands: XsCommand[]): Promise<XsRun> {
  const bundle = await bundleForXs(entryFile);
  const child = spawn(process.execPath, [runnerPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify({ bundle, commands }));
  const code = await exited;
  const text = Buffer.concat(chunks).toString('utf8').trim();
  const last = text.split('\n').pop() ?? '';
  let response: XsRun & { error?: string };
  try {
    response = JSON.parse(last) as XsRun & { error?: string };
  } catch {
    throw new Error(`XS runner (exit ${code}) printed no JSON response: ${text.slice(0, 2000)}`);
  }
  if (response.error !== undefined) throw new Error(`XS runner failed: ${response.error}`);
  return response;
}
