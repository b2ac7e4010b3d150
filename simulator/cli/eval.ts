/**
 * `npm run --silent eval -- [--sensor acoustic|vibration|tilt] [--holdout] [--size small|full] [--seed N]
 *  [--seeds COUNT] [--role display_case|window|balcony | --config FILE.json] [--flex | --pane | --no-flex]
 *  [--joint-loss-db DB] [--json]`
 *
 * Builds the labelled corpus of each sensor (without --sensor all three, or those a --role or --config runs) from the signal library with
 * the seed (with --seeds, the corpora of COUNT consecutive seeds from it, pooled: rates of rare
 * false alarms need thousands of cases), runs it through the pipelines of the role's default configuration and prints recall per
 * threat and level, false alarms per confuser class and latency p50/p95 per threat. --holdout runs the
 * parameter set the defaults were not tuned on. --flex (acoustic only) models the pane's flex reported by
 * the accelerometer at every glass break (the best case); --pane models the accelerometer on the pane instead
 * (simulator/signals/pane-motion.ts: the blow that breaks it, the sound of every case, door slams through
 * the wall) and runs the vibration pipeline's flex reports into the glass-break detector, as a node does;
 * --no-flex reports no flex at all (the accelerometer felt nothing: a blow on another pane than the node's);
 * --joint-loss-db DB models the pane with the node on another pane of the case than the one struck, every
 * strike reaching it DB weaker through the case's joints.
 * --config runs a node configuration (as classify --config takes it: a configuration, a patch over the role's
 * defaults, or a cmd/config request) instead of the role's defaults. --json prints one JSON object (the last
 * and only line).
 * Exits 0 whatever the figures (the CI test judges them); 2 on a usage error.
 */
import { NODE_ROLES, type NodeRole } from '../../firmware/detect/types';
import type { NodeConfig } from '../../firmware/node/config';
import { loadConfigFile } from '../classify/config-file';
import type { SensorChannel } from '../signals/corpus';
import { runEval, type SensorReport } from '../eval/evaluate';
import { reportText } from '../eval/report-text';
import { SENSOR_CHANNELS, roleConfig, runsSensor } from '../eval/sensor-pipeline';
import { MAX_JOINT_LOSS_DB } from '../signals/pane-motion';
import { HelpRequested, UsageError, commandLine } from './usage-error';

interface Args {
  sensors: readonly SensorChannel[];
  /** --sensor was given: a configuration that runs no such pipeline is then an error, not a sensor skipped. */
  sensorGiven: boolean;
  holdout: boolean;
  size: 'small' | 'full';
  seed: number;
  seeds: number;
  role: NodeRole | undefined;
  configFile: string | undefined;
  flex: boolean;
  pane: boolean;
  noFlex: boolean;
  jointLossDb: number;
  json: boolean;
}

/** Seeds are 32-bit (the generator's state, simulator/signals/rng.ts; scenario files allow the same). */
const MAX_SEED = 0xffffffff;

const USAGE = 'usage: npm run --silent eval -- [--sensor acoustic|vibration|tilt] [--holdout] [--size small|full] [--seed N] [--seeds COUNT] [--role ROLE | --config FILE.json] [--flex | --pane | --no-flex] [--joint-loss-db DB] [--json]';
const HELP = `${USAGE}

Builds the labelled corpus of each sensor from the signal library, runs it through the pipelines of a
role's default configuration (or the given one) and prints recall per threat and level, false alarms per
confuser class and detection latency.

  --sensor S             acoustic, vibration or tilt (default: all three)
  --holdout              the parameter set the detectors were NOT tuned on (report it separately)
  --size small|full      corpus size (default full; small is the CI's)
  --seed N               corpus seed (default 1)
  --seeds COUNT          pool the corpora of COUNT seeds from N (rare false-alarm rates need thousands of cases)
  --role ROLE            display_case, window or balcony (default: window; tilt: balcony); without
                         --sensor, the sensors the role runs (a display case and a window run no tilt,
                         a balcony no glass break)
  --config FILE.json     a node configuration, a patch over its role's defaults, or a cmd/config request;
                         without --sensor, the sensors it runs
  --flex                 glass break: a pane flex reported at every break, none for confusers (best case)
  --pane                 glass break: the accelerometer on the pane modelled; the default whenever the
                         configuration requires the flex (a window on its glass) or holds the sound alone
                         to a stricter score (a display case on its glass). The microphone alone:
                         --config docs/examples/window-microphone-only.json
  --no-flex              glass break: no flex at all, the accelerometer felt nothing (a blow on another
                         pane than the node's); the default for other configurations
  --joint-loss-db DB     glass break, the pane modelled: the node on another pane of the case than the
                         one struck; a blow or knock reaches it DB weaker through the joints (0..${MAX_JOINT_LOSS_DB})
  --json                 one JSON object instead of the tables
  --help                 this text

Exit status 0 whatever the figures, 2 on a usage error. More: docs/classification.md.
`;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { sensors: SENSOR_CHANNELS, sensorGiven: false, holdout: false, size: 'full', seed: 1, seeds: 1, role: undefined, configFile: undefined, flex: false, pane: false, noFlex: false, jointLossDb: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (allowed?: readonly string[]): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value${allowed === undefined ? '' : ` (${allowed.join(', ')})`}`);
      if (allowed !== undefined && !allowed.includes(v)) throw new UsageError(`${arg} must be one of ${allowed.join(', ')}, not '${v}'`);
      return v;
    };
    if (arg === '--sensor') {
      args.sensors = [value(SENSOR_CHANNELS) as SensorChannel];
      args.sensorGiven = true;
    }
    else if (arg === '--size') args.size = value(['small', 'full']) as Args['size'];
    else if (arg === '--role') args.role = value(NODE_ROLES) as NodeRole;
    else if (arg === '--config') args.configFile = value();
    else if (arg === '--seed') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > MAX_SEED) throw new UsageError(`--seed must be a whole number from 0 to ${MAX_SEED}, not '${v}'`);
      args.seed = Number(v);
    } else if (arg === '--seeds') {
      const v = value();
      if (!/^[1-9]\d*$/.test(v) || Number(v) > MAX_SEED) throw new UsageError(`--seeds must be a whole number of at least 1, not '${v}'`);
      args.seeds = Number(v);
    } else if (arg === '--holdout') args.holdout = true;
    else if (arg === '--flex') args.flex = true;
    else if (arg === '--pane') args.pane = true;
    else if (arg === '--no-flex') args.noFlex = true;
    else if (arg === '--joint-loss-db') {
      const v = value();
      const db = /^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
      if (!(db <= MAX_JOINT_LOSS_DB)) throw new UsageError(`--joint-loss-db must be a number of dB from 0 to ${MAX_JOINT_LOSS_DB}, not '${v}'`);
      args.jointLossDb = db;
    }
    else if (arg === '--json') args.json = true;
    else if (arg === '--help') throw new HelpRequested();
    else throw new UsageError(`unknown argument '${arg}'`);
  }
  const flexFlags = [args.flex && '--flex', args.pane && '--pane', args.noFlex && '--no-flex'].filter((f) => f !== false);
  const meaning: Record<string, string> = { '--flex': 'a flex at every break, none for confusers', '--pane': 'the accelerometer modelled', '--no-flex': 'no flex at all' };
  if (flexFlags.length > 0 && !args.sensors.includes('acoustic')) {
    throw new UsageError(`${flexFlags[0]} models the pane's flex for glass break: it needs --sensor acoustic (or no --sensor)`);
  }
  if (args.seed + args.seeds - 1 > MAX_SEED) throw new UsageError(`--seed ${args.seed} with --seeds ${args.seeds} would pass the last seed, ${MAX_SEED}`);
  if (args.role !== undefined && args.configFile !== undefined) throw new UsageError('give --role or --config (whose role it runs), not both');
  if (flexFlags.length > 1) throw new UsageError(`${flexFlags.map((f) => `${f} (${meaning[f]})`).join(' and ')} exclude each other`);
  if (args.jointLossDb > 0) {
    if (!args.sensors.includes('acoustic')) throw new UsageError('--joint-loss-db models the pane\'s flex for glass break: it needs --sensor acoustic (or no --sensor)');
    if (args.flex || args.noFlex) throw new UsageError(`--joint-loss-db models the pane's accelerometer: it excludes ${flexFlags[0]} (${meaning[flexFlags[0] as string]})`);
  }
  return args;
}

function main(): void {
  const args = commandLine('eval', () => parseArgs(process.argv.slice(2)), { help: HELP, usage: USAGE });
  if (args === undefined) return;
  const reports: Partial<Record<SensorChannel, SensorReport>> = {};
  for (const sensor of args.sensors) {
    let report: SensorReport;
    let config: NodeConfig | undefined;
    if (args.configFile !== undefined) {
      const loaded = loadConfigFile(args.configFile, sensor);
      if (!loaded.ok) {
        process.stderr.write(`eval: configuration ${args.configFile}: ${loaded.errors.join('; ')}\n`);
        process.exitCode = 2;
        return;
      }
      config = loaded.config;
    }
    // Without --sensor, a role or configuration is evaluated on the sensors it runs (no role runs all three).
    const judged = config ?? (args.role === undefined ? undefined : roleConfig(args.role));
    if (!args.sensorGiven && judged !== undefined && !runsSensor(judged, sensor)) {
      process.stderr.write(`eval: ${sensor} skipped: the ${judged.role} configuration runs no ${sensor} pipeline\n`);
      continue;
    }
    try {
      const { outcomes: _outcomes, ...figures } = runEval({ sensor, holdout: args.holdout, size: args.size, seed: args.seed, seeds: args.seeds, role: args.role, config, flex: args.flex && sensor === 'acoustic', pane: sensor !== 'acoustic' ? undefined : args.pane ? true : args.noFlex ? false : undefined, jointLossDb: sensor === 'acoustic' ? args.jointLossDb : 0 });
      report = figures;
    } catch (error) {
      process.stderr.write(`eval: ${sensor}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
      return;
    }
    reports[sensor] = report;
    if (!args.json) process.stdout.write(`${reportText(report)}\n\n`);
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ set: args.holdout ? 'holdout' : 'default', size: args.size, seed: args.seed, seeds: args.seeds, flex: args.flex, pane: Object.values(reports).some((r) => r.pane), sensors: reports })}\n`);
  }
}

main();
