/**
 * `npm run eval:motion [-- --size small|full] [--seed N] [--json]`: runs the vibration and tilt
 * pipelines over the motion corpora, tuning ranges and holdout ranges, and prints recall, latency and
 * false alarms per group (what docs/detectors-motion.md reports).
 */
import { runMotionCase, summariseMotion } from '../eval/motion-eval';
import type { MotionGroupSummary, MotionOutcome } from '../eval/motion-eval';
import { tiltCorpus, vibrationCorpus } from '../signals/corpus-motion';
import type { CorpusOptions } from '../signals/corpus';

interface Args {
  size: CorpusOptions['size'];
  seed: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { size: 'full', seed: 1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') args.json = true;
    else if (arg === '--size' && (argv[i + 1] === 'small' || argv[i + 1] === 'full')) args.size = argv[++i] as Args['size'];
    else if (arg === '--seed' && /^\d+$/.test(argv[i + 1] ?? '')) args.seed = Number(argv[++i]);
    else throw new Error(`eval-motion: cannot read argument '${arg}' (use --size small|full, --seed N, --json)`);
  }
  return args;
}

function ms(value: number | undefined): string {
  return value === undefined ? '—' : `${Math.round(value)}`;
}

function table(title: string, rows: MotionGroupSummary[], outcomes: MotionOutcome[]): string {
  const lines = [`\n${title}`, 'group                  cases  recall  latency p50/p99/max ms   false alarms  cross'];
  for (const r of rows) {
    lines.push(`${r.group.padEnd(22)} ${String(r.cases).padStart(5)}  ${r.recall === undefined ? '     —' : `${(100 * r.recall).toFixed(1).padStart(5)}%`}  ` +
      `${`${ms(r.latencyP50Ms)}/${ms(r.latencyP99Ms)}/${ms(r.latencyMaxMs)}`.padEnd(22)}  ${String(r.falseAlarms).padStart(12)}  ${String(r.crossDetections).padStart(5)}`);
  }
  for (const r of rows) {
    if (r.missed.length > 0) lines.push(`  missed in ${r.group}: ${r.missed.join(', ')}`);
    if (r.alarmed.length > 0) lines.push(`  false alarms in ${r.group}: ${r.alarmed.join(', ')}`);
  }
  const threats = outcomes.filter((o) => o.threat !== null);
  const quiet = outcomes.filter((o) => o.threat === null);
  lines.push(`overall: recall ${(100 * threats.filter((o) => o.found).length / Math.max(1, threats.length)).toFixed(1)}% of ${threats.length} threat cases; ` +
    `${quiet.filter((o) => o.falseAlarms > 0).length} of ${quiet.length} confuser and ambient cases alarmed`);
  return lines.join('\n');
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const report: Record<string, MotionGroupSummary[]> = {};
  const text: string[] = [`motion evaluation: size ${args.size}, seed ${args.seed}`];
  for (const [name, make] of [['vibration', vibrationCorpus], ['tilt', tiltCorpus]] as const) {
    for (const holdout of [false, true]) {
      const started = performance.now();
      const cases = make({ seed: args.seed, holdout, size: args.size });
      const outcomes = cases.map((c) => runMotionCase(c));
      const key = `${name}/${holdout ? 'holdout' : 'default'}`;
      report[key] = summariseMotion(outcomes);
      text.push(table(`${key} ranges (${cases.length} cases, ${((performance.now() - started) / 1000).toFixed(1)} s)`, report[key], outcomes));
    }
  }
  process.stdout.write(`${args.json ? JSON.stringify(report, null, 1) : text.join('\n')}\n`);
}

main();
