/**
 * `npm run eval:acoustic -- [--size small|full] [--seed N] [--seeds N] [--holdout] [--flex] [--json]`
 * Runs the acoustic pipeline over the labelled corpus and prints recall per glass type and level, false
 * alarms per confuser class and the decision latency. `--flex` reports a pane flex at every threat's
 * onset, as the vibration pipeline of a dual-technology node would.
 */
import { acousticCorpus } from '../signals/corpus-acoustic';
import { type CaseOutcome, evaluate, summarise } from '../eval/acoustic-eval';

interface Args {
  size: 'small' | 'full';
  seed: number;
  seeds: number;
  holdout: boolean;
  flex: boolean;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { size: 'full', seed: 1, seeds: 1, holdout: false, flex: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`eval-acoustic: ${a} needs a value`);
      return v;
    };
    if (a === '--size') {
      const v = value();
      if (v !== 'small' && v !== 'full') throw new Error(`eval-acoustic: --size must be small or full, got '${v}'`);
      args.size = v;
    } else if (a === '--seed' || a === '--seeds') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < (a === '--seeds' ? 1 : 0)) throw new Error(`eval-acoustic: ${a} must be a whole number, got '${argv[i]}'`);
      if (a === '--seed') args.seed = v;
      else args.seeds = v;
    } else if (a === '--holdout') args.holdout = true;
    else if (a === '--flex') args.flex = true;
    else if (a === '--json') args.json = true;
    else throw new Error(`eval-acoustic: unknown argument '${a}'`);
  }
  return args;
}

function pct(hits: number, cases: number): string {
  return cases === 0 ? '-' : `${((100 * hits) / cases).toFixed(1)}% (${hits}/${cases})`;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const outcomes: CaseOutcome[] = [];
  for (let seed = args.seed; seed < args.seed + args.seeds; seed++) {
    outcomes.push(...evaluate(acousticCorpus({ seed, holdout: args.holdout, size: args.size }), { flexAtThreats: args.flex }).outcomes);
  }
  const s = summarise(outcomes);
  const seconds = (performance.now() - started) / 1000;
  if (args.json) {
    console.log(JSON.stringify({ args, summary: s, seconds }));
    return;
  }
  console.log(`acoustic eval: ${args.holdout ? 'holdout' : 'default'} set, size ${args.size}, seeds ${args.seed}..${args.seed + args.seeds - 1}, ` +
    `${args.flex ? 'with' : 'without'} flex corroboration (${outcomes.length} cases, ${seconds.toFixed(1)} s)`);
  console.log(`recall ${pct(s.hits, s.threats)}; cases with a false alarm: ${s.falseAlarmCases}`);
  if (s.latencyMs !== null) console.log(`decision latency from the true onset: p50 ${s.latencyMs.p50.toFixed(0)} ms, p99 ${s.latencyMs.p99.toFixed(0)} ms, max ${s.latencyMs.max.toFixed(0)} ms`);
  // Recall table: glass type × level.
  const levels = Object.keys(s.byLevel);
  const glasses = Object.keys(s.byGlass);
  console.log(['glass'.padEnd(11), ...levels.map((l) => l.padStart(15)), 'all'.padStart(17)].join(''));
  for (const g of glasses) {
    const row = levels.map((l) => {
      const cases = outcomes.filter((o) => o.threat && o.variant === g && `+${o.levelDb}dB` === l);
      return pct(cases.filter((o) => o.hit).length, cases.length).padStart(15);
    });
    console.log([g.padEnd(11), ...row, pct(s.byGlass[g].hits, s.byGlass[g].cases).padStart(17)].join(''));
  }
  console.log(['all'.padEnd(11), ...levels.map((l) => pct(s.byLevel[l].hits, s.byLevel[l].cases).padStart(15))].join(''));
  console.log('false alarms (cases with any detection) per class:');
  for (const [group, t] of Object.entries(s.byGroup)) {
    if (group !== 'glass_break') console.log(`  ${group.padEnd(16)} ${t.falseAlarms}/${t.cases}`);
  }
  for (const o of outcomes) {
    if ((o.threat && !o.hit) || o.falseAlarms > 0) console.log(`  ${o.threat && !o.hit ? 'missed' : 'false alarm'}: ${o.id}`);
  }
}

main();
