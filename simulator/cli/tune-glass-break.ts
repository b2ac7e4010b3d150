/**
 * `npm run tune:glass-break [-- --seeds N] [--margin LOGODDS]`: refits the weights of the glass-break
 * evidence model (firmware/detect/glass-break-evidence.ts) on the candidate events of the full default
 * acoustic corpus, seeds 1..N (default 4), and prints the terms table and bias to paste into that file.
 * The holdout corpus is never read.
 *
 * Every candidate the detector opens is labelled: a break when it opens within a glass break's event
 * (from 100 ms before its onset to its end, as the evaluation counts hits), a confuser otherwise.
 * Candidates outside the limits are left out (the limits reject them whatever the weights). The ramps of
 * the terms are kept; only the weights are fitted (simulator/tune/evidence-fit.ts). The bias printed puts
 * the boundary (log-odds 0, score 0.5) `margin` log-odds above the most break-like confuser. Terms marked
 * `handSet` keep their weight.
 */
import { acousticCorpus } from '../signals/corpus-acoustic';
import { feedBlocks } from '../signals/signal';
import { GLASS_BREAK_OPTION_SPECS, GlassBreakDetector, type GlassBreakFeatures, withinLimits } from '../../firmware/detect/glass-break';
import { GLASS_EVIDENCE_TERMS } from '../../firmware/detect/glass-break-evidence';
import { defaultsOf } from '../../firmware/detect/options';
import { MIC_BLOCK_FRAMES, MIC_UNITS_PER_COUNT } from '../eval/sensor-pipeline';
import { type FitSample, bestPerEvent, fitEvidence, score } from '../tune/evidence-fit';

interface Args {
  seeds: number;
  margin: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seeds: 4, margin: 0.5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = Number(argv[i + 1]);
    if (a === '--seeds' && Number.isInteger(v) && v >= 1) args.seeds = v;
    else if (a === '--margin' && Number.isFinite(v) && v >= 0) args.margin = v;
    else throw new Error(`tune-glass-break: cannot read argument '${a}' (use --seeds N, --margin LOGODDS)`);
    i++;
  }
  return args;
}

function ramp(features: GlassBreakFeatures, t: (typeof GLASS_EVIDENCE_TERMS)[number]): number {
  const x = (features[t.feature] - t.from) / (t.to - t.from);
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const options = defaultsOf(GLASS_BREAK_OPTION_SPECS);
  const samples: FitSample[] = [];
  const events = new Set<string>();
  let outsideLimits = 0;
  for (let seed = 1; seed <= args.seeds; seed++) {
    for (const c of acousticCorpus({ seed, holdout: false, size: 'full' })) {
      const key = `${c.id}@${seed}`;
      if (c.threat !== null) events.add(key);
      // requireFlex: no detection, so no refractory time hides later candidates.
      const detector = new GlassBreakDetector({ requireFlex: true });
      let decided = 0;
      feedBlocks(c.signal, { unitsPerCount: MIC_UNITS_PER_COUNT, blockFrames: MIC_BLOCK_FRAMES }, (block) => {
        detector.push(block);
        if (detector.candidates === decided) return;
        decided = detector.candidates;
        const { onsetMs, features } = detector.lastCandidate;
        if (!withinLimits(features, options)) {
          outsideLimits++;
          return;
        }
        const positive = c.threat !== null && c.onsetS !== null && c.endS !== null && onsetMs >= c.onsetS * 1000 - 100 && onsetMs <= c.endS * 1000;
        samples.push({ x: GLASS_EVIDENCE_TERMS.map((t) => ramp(features, t)), positive, eventKey: key });
      });
    }
  }
  const handSet = new Map<number, number>();
  GLASS_EVIDENCE_TERMS.forEach((t, j) => {
    if (t.handSet === true) handSet.set(j, t.weight);
  });
  const fit = fitEvidence(samples, undefined, handSet);
  const w = [...fit.weights, fit.bias];
  const scores = samples.map((s) => score(s.x, w));
  const worstConfuser = Math.max(...scores.filter((_, i) => !samples[i].positive));
  const bias = fit.bias - worstConfuser - args.margin;
  const found = bestPerEvent(samples, scores).filter((v) => v > worstConfuser + args.margin).length;
  console.log(`// ${samples.length} candidates within the limits (${samples.filter((s) => s.positive).length} in breaks), ${outsideLimits} outside; ` +
    `breaks found at the boundary: ${found}/${events.size}`);
  for (let j = 0; j < GLASS_EVIDENCE_TERMS.length; j++) {
    const t = GLASS_EVIDENCE_TERMS[j];
    const marks = `${t.blow === true ? ', blow: true' : ''}${t.handSet === true ? ', handSet: true' : ''}`;
    console.log(`  { feature: '${t.feature}', from: ${t.from}, to: ${t.to}, weight: ${+fit.weights[j].toFixed(2)}${marks} },`);
  }
  console.log(`export const GLASS_EVIDENCE_BIAS = ${+bias.toFixed(2)};`);
}

main();
