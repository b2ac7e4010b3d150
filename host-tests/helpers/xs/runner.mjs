// Child process that runs a firmware bundle inside Moddable's XS engine, as built by the npm package
// @agoric/xsnap. It lives in its own process because @endo/init (which @agoric/xsnap needs) locks
// down this realm's intrinsics, which would break mocha and everything else in a test process.
//
// Protocol: one JSON request on stdin, one JSON response on stdout.
//   request:  { bundle: string, commands: [{ name, arg, gcBefore }] }
//   response: { engine, setup: { computrons }, results: [...], trace: [...] } or { error }
import '@endo/init';
import { xsnap, METER_TYPE } from '@agoric/xsnap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function engineInfo() {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@agoric/xsnap/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  const header = fs.readFileSync(path.join(path.dirname(pkgPath), 'moddable/xs/sources/xsCommon.h'), 'utf8');
  const part = (name) => header.match(new RegExp(`#define\\s+XS_${name}_VERSION\\s+(\\d+)`))?.[1] ?? '?';
  const version = ['MAJOR', 'MINOR', 'PATCH'].map(part).join('.');
  return { name: 'XS', version, package: `@agoric/xsnap@${pkg.version}`, meterType: METER_TYPE };
}

// Moddable globals that firmware may use; everything else must come through ports.
const SHIM = `
globalThis.__vitrineTrace = [];
{
  const trace = (...parts) => { globalThis.__vitrineTrace.push(parts.join('')); };
  trace.left = () => {}; trace.center = () => {}; trace.right = () => {};
  globalThis.trace = trace;
}
`;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const request = await readStdin();
  const worker = await xsnap({
    os: os.type(),
    spawn,
    fs: { ...fs, ...fs.promises },
    name: 'vitrine-xs-harness',
    stdout: 'ignore',
    stderr: 'inherit',
    meteringLimit: 0,
  });
  try {
    await worker.evaluate(SHIM);
    const setup = await worker.evaluate(request.bundle);
    const results = [];
    let heapSlots = setup.meterUsage.currentHeapCount;
    for (const command of request.commands) {
      let baseline = heapSlots;
      if (command.gcBefore) {
        const gc = await worker.evaluate('gc()');
        baseline = gc.meterUsage.currentHeapCount;
      }
      const started = performance.now();
      const { reply, meterUsage } = await worker.issueCommand(
        encoder.encode(JSON.stringify({ name: command.name, arg: command.arg ?? null })),
      );
      const wallMs = performance.now() - started;
      const answer = JSON.parse(decoder.decode(reply));
      heapSlots = meterUsage.currentHeapCount;
      if (!answer.ok) {
        throw new Error(`XS command '${command.name}' failed: ${answer.error}`);
      }
      results.push({
        name: command.name,
        value: answer.value,
        computrons: meterUsage.compute,
        heapSlotsAfter: heapSlots,
        allocatedSlots: command.gcBefore ? heapSlots - baseline : null,
        xsMs: answer.xsMs,
        wallMs,
      });
    }
    const trace = await worker.issueCommand(encoder.encode(JSON.stringify({ name: '__trace', arg: null })));
    const traceAnswer = JSON.parse(decoder.decode(trace.reply));
    process.stdout.write(`${JSON.stringify({ engine: engineInfo(), setup: { computrons: setup.meterUsage.compute }, results, trace: traceAnswer.value ?? [] })}\n`);
  } finally {
    await worker.close().catch(() => {});
  }
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: String(error?.message ?? error) })}\n`);
  process.exitCode = 1;
});
