/**
 * `npm run bench:acoustic`: cost of the acoustic pipeline inside XS (computrons and slots per second of
 * 16 kHz signal) in steady ambient and during events, plus wall time in XS and in Node. Prints JSON.
 * Windows are 25 blocks (0.4 s); "peak" is the busiest window scaled to one second. The front end costs
 * the same for any signal, so a scenario's computrons above the quiet gallery's rate, divided by the
 * candidates it opened, are the cost of one candidate's spectral stage.
 */
import { fileURLToPath } from 'node:url';
import { runInXs } from '../helpers/xs/harness';
import { confuserCase, glassCase, toCounts } from '../helpers/acoustic-cases';
import { Rng } from '../../simulator/signals/rng';
import { ambient, drawAmbientParams, type AmbientProfile } from '../../simulator/signals/acoustic/ambient';
import { BLOCK_FRAMES, MIC_RATE_HZ, runAcoustic, splitBlocks } from '../xs/cases/acoustic-case';

const entry = fileURLToPath(new URL('../xs/entries/acoustic.entry.ts', import.meta.url));
const WINDOW_BLOCKS = 25;
const WINDOW_S = (WINDOW_BLOCKS * BLOCK_FRAMES) / MIC_RATE_HZ;

function ambientCounts(profile: AmbientProfile): number[] {
  const rng = new Rng(31);
  return toCounts(ambient(rng, drawAmbientParams(rng, 'default', profile, 6)));
}

const scenarios: Record<string, number[]> = {
  'ambient quiet_gallery': ambientCounts('quiet_gallery'),
  'ambient busy_gallery': ambientCounts('busy_gallery'),
  'ambient hvac_plant': ambientCounts('hvac_plant'),
  'glass break, tempered +30 dB, busy gallery': toCounts(glassCase(41, 'tempered', 30, 'busy_gallery').signal),
  'music, loud, busy gallery': toCounts(confuserCase(42, 'music', 30, 'busy_gallery').signal),
  'keys, loud, quiet gallery': toCounts(confuserCase(43, 'keys', 30, 'quiet_gallery').signal),
  'crowd, loud, quiet gallery': toCounts(confuserCase(44, 'crowd', 20, 'quiet_gallery').signal),
};

const report: Record<string, unknown>[] = [];
let steadyPerS = Number.NaN;
for (const [name, counts] of Object.entries(scenarios)) {
  const blocks = splitBlocks(counts);
  const windows = Math.floor(blocks.length / WINDOW_BLOCKS);
  const commands = [{ name: 'load', arg: counts }, { name: 'noop', gcBefore: true }];
  for (let w = 0; w < windows; w++) commands.push({ name: 'push', arg: WINDOW_BLOCKS, gcBefore: true } as never);
  const run = await runInXs(entry, commands);
  const noop = run.results[1];
  const pushes = run.results.slice(2);
  // The first window holds the detector's warm-up; steady figures start with the second.
  const rates = pushes.map((r) => (r.computrons - noop.computrons) / WINDOW_S);
  const slots = pushes.map((r) => (r.allocatedSlots ?? 0) - (noop.allocatedSlots ?? 0));
  const xsMs = pushes.reduce((s, r) => s + r.xsMs, 0);
  const started = performance.now();
  const node = runAcoustic(blocks);
  const nodeMs = performance.now() - started;
  const seconds = windows * WINDOW_S;
  const total = pushes.slice(1).reduce((s, r) => s + r.computrons - noop.computrons, 0);
  if (Number.isNaN(steadyPerS)) steadyPerS = total / (seconds - WINDOW_S);
  const candidates = node.snapshot.levels.candidates;
  report.push({
    scenario: name,
    seconds,
    detections: node.detections.length,
    candidates,
    computronsPerCandidate: candidates > 0 ? Math.round((total - steadyPerS * (seconds - WINDOW_S)) / candidates) : null,
    computronsPerS: { mean: Math.round(rates.slice(1).reduce((s, r) => s + r, 0) / (rates.length - 1)), peak: Math.round(Math.max(...rates.slice(1))) },
    allocatedSlotsPerWindow: { max: Math.max(...slots.slice(1)) },
    xsMsPerS: +(xsMs / seconds).toFixed(2),
    nodeMsPerS: +(nodeMs / (blocks.length * BLOCK_FRAMES / MIC_RATE_HZ)).toFixed(2),
  });
}
console.log(JSON.stringify({ engine: 'XS 13.3 via @agoric/xsnap', blockFrames: BLOCK_FRAMES, windowS: WINDOW_S, report }, null, 1));
