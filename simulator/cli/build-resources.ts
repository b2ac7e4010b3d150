/**
 * npm run build:resources [-- --check] [--out DIR]
 *
 * Renders the lin build's replay recordings (simulator/cli/recordings.ts) into manifests/resources/
 * (or DIR) and prints each file's size and content. With --check, writes nothing and exits 1 when a
 * committed recording differs from what the signal library renders now.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_DIR } from './manifests';
import { RECORDINGS, RECORDINGS_SEED, renderRecordings } from './recordings';

export const RESOURCES_DIR = path.join(MANIFEST_DIR, 'resources');

export function main(argv: readonly string[]): number {
  let check = false;
  let out = RESOURCES_DIR;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--out' && argv[i + 1] !== undefined) out = path.resolve(argv[++i] ?? '');
    else {
      process.stderr.write(`build:resources: unexpected argument '${argv[i] ?? ''}'\nusage: npm run build:resources -- [--check] [--out DIR]\n`);
      return 2;
    }
  }
  const rendered = renderRecordings();
  let stale = 0;
  if (!check) mkdirSync(out, { recursive: true });
  for (const recording of RECORDINGS) {
    const bytes = rendered.get(recording.file);
    if (bytes === undefined) throw new Error(`build:resources: ${recording.file} was not rendered`);
    const target = path.join(out, recording.file);
    if (check) {
      const same = existsSync(target) && Buffer.compare(readFileSync(target), Buffer.from(bytes)) === 0;
      if (!same) stale++;
      process.stdout.write(`${same ? 'up to date' : 'DIFFERS   '} ${path.relative(process.cwd(), target)}\n`);
    } else {
      writeFileSync(target, bytes);
      process.stdout.write(`${path.relative(process.cwd(), target)}: ${bytes.length} bytes, ${recording.durationS} s: ${recording.events}\n`);
    }
  }
  if (check && stale > 0) process.stderr.write(`build:resources: ${stale} recording(s) differ from seed ${RECORDINGS_SEED}: run npm run build:resources\n`);
  return check && stale > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = main(process.argv.slice(2));
}
