/**
 * `npm run --silent classify -- --sensor acoustic|vibration|tilt [--config FILE.json] [--full-scale-g N] FILE.wav...`
 *
 * Runs each recording through the sensor's pipeline and the node's alert rules, as a node with the
 * default configuration of the sensor's role (or the given configuration) would, and prints on stdout
 * one JSON object per line per alert, in time order, nothing else:
 *   {"file": "<as given>", "t": <seconds from the start of the file at which the node would publish>, "type": ..., "score": <0..1>}
 * Recordings: see simulator/classify/recording.ts. A file that cannot be used gets a message on stderr
 * naming it and why; the others are still processed, and the exit status is 2. An invalid configuration:
 * every problem with its path on stderr, exit 2, nothing processed. Otherwise 0.
 * A recording of the microphone holds no accelerometer: a configuration whose glass break requires the
 * pane's flex (the window's default) is run with the flex not required, glass break judged on the sound alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GRINDER_MIN_RATE_HZ } from '../../firmware/detect/grinder';
import type { NodeConfig } from '../../firmware/node/config';
import { loadConfigFile } from '../classify/config-file';
import { publishedAlerts } from '../classify/published-alerts';
import { RecordingError, prepareRecording } from '../classify/recording';
import { WavError } from '../signals/wav';
import type { SensorChannel } from '../signals/corpus';
import { DEFAULT_ROLES, MIC_RATE_HZ, SENSOR_CHANNELS, VIBRATION_RATE_HZ, flexDecides, roleConfig, sensorPipeline } from '../eval/sensor-pipeline';
import { HelpRequested, UsageError, commandLine } from './usage-error';

const USAGE = 'usage: npm run --silent classify -- --sensor acoustic|vibration|tilt [--config FILE.json] [--full-scale-g N] FILE.wav...';
const HELP = `${USAGE}

Runs each recording through the sensor's pipeline and the node's alert rules and prints, for every alert a
node would publish, one JSON line {"file", "t" (s from the start of the file), "type", "score"} on stdout.

  --sensor acoustic      mono WAV at 16 kHz or more (resampled): glass break, judged on the sound alone
                         (a recording has no accelerometer beside it, so requireFlex is off)
  --sensor vibration     3-channel WAV x, y, z in g at 400-6400 Hz, gravity included: grinder and impact
  --sensor tilt          the same: tilt
  --config FILE.json     a node configuration, a patch over its role's defaults, or a cmd/config request
  --full-scale-g N       g at full scale of integer PCM accelerometer recordings (float32 is in g)
  --help                 this text

Exit status 2 when a file cannot be used (named on stderr; the others are processed) or the configuration
is invalid (nothing processed); otherwise 0. More: docs/classification.md.
`;


interface Args {
  sensor: SensorChannel;
  configFile: string | undefined;
  fullScaleG: number | undefined;
  files: string[];
}


/** Paths are relative to where the command was typed: npm runs scripts from the package root, and says where it was called from in INIT_CWD. */
function resolved(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function parseArgs(argv: readonly string[]): Args {
  let sensor: SensorChannel | undefined;
  let configFile: string | undefined;
  let fullScaleG: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--sensor') {
      const v = value();
      if (!(SENSOR_CHANNELS as readonly string[]).includes(v)) throw new UsageError(`--sensor must be one of ${SENSOR_CHANNELS.join(', ')}, not '${v}'`);
      sensor = v as SensorChannel;
    } else if (arg === '--config') {
      configFile = value();
    } else if (arg === '--full-scale-g') {
      const v = value();
      const g = Number(v);
      if (v.trim() === '' || !Number.isFinite(g) || g <= 0 || g > 1000) throw new UsageError(`--full-scale-g must be a number of g above 0 (at most 1000), not '${v}'`);
      fullScaleG = g;
    } else if (arg === '--help') {
      throw new HelpRequested();
    } else if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option '${arg}'`);
    } else {
      files.push(arg);
    }
  }
  if (sensor === undefined) throw new UsageError('--sensor is required');
  if (fullScaleG !== undefined && sensor === 'acoustic') throw new UsageError('--full-scale-g applies to accelerometer recordings (--sensor vibration or tilt)');
  if (files.length === 0) throw new UsageError('no WAV file given');
  return { sensor, configFile, fullScaleG, files };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The configuration to run with, or the problems that stop everything. */
function configuration(args: Args): { config: NodeConfig } | { errors: string[] } {
  if (args.configFile === undefined) return { config: soundAlone(args.sensor, roleConfig(DEFAULT_ROLES[args.sensor])) };
  const loaded = loadConfigFile(args.configFile, args.sensor);
  if (!loaded.ok) return { errors: loaded.errors };
  try {
    sensorPipeline(args.sensor, loaded.config, args.sensor === 'acoustic' ? MIC_RATE_HZ : VIBRATION_RATE_HZ);
  } catch (error) {
    return { errors: [errorText(error)] };
  }
  return { config: soundAlone(args.sensor, loaded.config) };
}

/**
 * A microphone recording has no accelerometer beside it: glass break cannot wait for the pane's flex, and
 * the flex's absence says nothing, so the sound is judged by minScore alone.
 */
function soundAlone(sensor: SensorChannel, config: NodeConfig): NodeConfig {
  if (sensor !== 'acoustic' || !flexDecides(config)) return config;
  const glass = config.detectors.glassBreak;
  return { ...config, detectors: { ...config.detectors, glassBreak: { ...glass, requireFlex: false, minScoreWithoutFlex: glass.minScore } } };
}

/**
 * Set when whoever reads stdout has gone (`classify … | head -1`): like any filter, stop quietly rather than
 * die on EPIPE with a stack trace.
 */
let readerGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  readerGone = true;
});

async function main(): Promise<void> {
  const args = commandLine('classify', () => parseArgs(process.argv.slice(2)), { help: HELP, usage: USAGE });
  if (args === undefined) return;
  const chosen = configuration(args);
  if ('errors' in chosen) {
    process.stderr.write(`classify: configuration ${args.configFile}: ${chosen.errors.length} problem(s); nothing was processed\n`);
    for (const problem of chosen.errors) process.stderr.write(`  ${problem}\n`);
    process.exitCode = 2;
    return;
  }
  for (const file of args.files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(resolved(file));
    } catch (error) {
      process.stderr.write(`classify: ${file}: cannot read (${errorText(error)})\n`);
      process.exitCode = 2;
      continue;
    }
    let lines: string;
    try {
      const recording = prepareRecording(bytes, file, args.sensor, { fullScaleG: args.fullScaleG });
      if (args.sensor === 'vibration' && recording.fileRateHz < GRINDER_MIN_RATE_HZ && chosen.config.detectors.grinder.enabled) {
        // Readable, so not an error (status unchanged), but what the file lacks cannot be resampled back.
        process.stderr.write(`classify: ${file}: note: recorded at ${recording.fileRateHz} Hz, it holds nothing above ${recording.fileRateHz / 2} Hz; ` +
          `a grinder's fundamental (80–250 Hz) and its harmonics need ${GRINDER_MIN_RATE_HZ} Hz or more, so a grinder may be missed (impacts are judged as usual)\n`);
      }
      lines = publishedAlerts(args.sensor, recording, chosen.config)
        .map((a) => `${JSON.stringify({ file, t: Math.round(a.t * 1000) / 1000, type: a.type, score: a.score })}\n`).join('');
    } catch (error) {
      // WAV and recording errors begin with the file's name.
      const named = error instanceof WavError || error instanceof RecordingError;
      process.stderr.write(`classify: ${named ? '' : `${file}: `}${errorText(error)}\n`);
      process.exitCode = 2;
      continue;
    }
    process.stdout.write(lines);
    // A write error is reported on a later tick: let it arrive before the next file is worked on.
    await new Promise((resolve) => setImmediate(resolve));
    if (readerGone) return;
  }
}

void main();
