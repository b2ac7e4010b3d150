/**
 * The replay recordings the lin (desktop simulator) builds embed instead of sensors
 * (manifests/resources/*.wave, read by firmware/moddable/replay-source.ts), rendered from the signal
 * library, deterministic from a seed. 16-bit PCM WAV named `.wave` so mcconfig embeds the bytes as
 * they are (it would convert `.wav` to its audio format).
 *
 * display case, window (10 s, looping; microphone and accelerometer the same length so they stay in step):
 *   gallery ambient (quiet for the case, busy for the window) and building vibration throughout;
 *   from 1.5 s a series of medium blows (case: on the glass; window: on the frame);
 *   4.5–8 s an angle grinder cutting, from its approach;
 *   8.5 s the glass breaks: the break in the microphone, the blow that broke it in the accelerometer.
 * balcony (16 s): wind sway, building vibration and a ladder that tilts the railing at 9 s and stays.
 *
 * Accelerometer segments are rendered with one mounting, sensor and ambient level and joined in time,
 * so gravity and the noise floor run on unchanged across the joins.
 */
import { Rng } from '../signals/rng';
import type { Signal } from '../signals/signal';
import { dbToGain, frameCount, mixInto } from '../signals/signal';
import { writeWav } from '../signals/wav';
import type { AmbientProfile } from '../signals/acoustic/ambient';
import { ambient, drawAmbientParams } from '../signals/acoustic/ambient';
import { drawGlassBreakParams, glassBreak, type GlassType } from '../signals/acoustic/glass-break';
import { activeRms, micHighpass } from '../signals/acoustic/level';
import { MIC_RATE_HZ } from '../signals/acoustic/synth';
import { drawGrinder, grinderSignal } from '../signals/motion/grinder';
import { drawImpact, impactSignal, type StruckPart } from '../signals/motion/impacts';
import { DEFAULT_MOTION_RANGES } from '../signals/motion/ranges';
import type { SceneParams } from '../signals/motion/scene';
import { drawScene } from '../signals/motion/scene';
import { drawTilt, tiltSignal } from '../signals/motion/tilt';

export const RECORDINGS_SEED = 20251019;
export const ACCEL_RATE_HZ = 1600;

/** What each recording holds and where things happen in it (docs/flashing.md lists the same). */
export interface RecordingPlan {
  file: string;
  /** Full scale of the 16-bit counts: 1 for audio (dBFS), g for acceleration (the manifests' replayAccelFullScaleG). */
  fullScale: number;
  durationS: number;
  events: string;
}

export const CASE_TIMELINE = { durationS: 10, blowsS: 1.5, grinderS: [4.5, 8] as const, breakS: 8.5 };
export const BALCONY_TIMELINE = { durationS: 16, ladderS: 9 };
/** Full scale of the display-case and window accelerometer recordings, g (the LIS3DH ±8 g setting they model). */
export const CASE_ACCEL_FULL_SCALE_G = 8;
export const BALCONY_ACCEL_FULL_SCALE_G = 2;

interface CaseStyle {
  role: 'display-case' | 'window';
  profile: AmbientProfile;
  glass: GlassType;
  struck: StruckPart;
  /** Level of the break over the ambient floor, dB (capped at −15 dBFS active RMS). */
  breakDb: number;
}

const CASES: readonly CaseStyle[] = [
  { role: 'display-case', profile: 'quiet_gallery', glass: 'laminated', struck: 'glass', breakDb: 30 },
  { role: 'window', profile: 'busy_gallery', glass: 'float', struck: 'frame', breakDb: 20 },
];

function microphone(rng: Rng, style: CaseStyle): Signal {
  const { durationS, breakS } = CASE_TIMELINE;
  const ambientParams = drawAmbientParams(rng, 'default', style.profile, durationS);
  const signal = ambient(rng, ambientParams);
  const event = micHighpass(glassBreak(rng, drawGlassBreakParams(rng, 'default', style.glass)).data.slice(0, Math.round((durationS - breakS) * MIC_RATE_HZ)));
  const targetRms = Math.min(dbToGain(ambientParams.floorDbfs + style.breakDb), dbToGain(-15));
  mixInto(signal, { rateHz: MIC_RATE_HZ, channels: 1, data: event }, breakS, targetRms / activeRms(event));
  return signal;
}

/** Joins accelerometer segments in time (all rendered with the same scene). */
function join(segments: Signal[]): Signal {
  const total = segments.reduce((n, s) => n + s.data.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const s of segments) {
    data.set(s.data, at);
    at += s.data.length;
  }
  return { rateHz: ACCEL_RATE_HZ, channels: 3, data };
}

function withScene<P extends SceneParams>(params: P, scene: SceneParams): P {
  return { ...params, sensor: scene.sensor, mountW: scene.mountW, mountX: scene.mountX, mountY: scene.mountY, mountZ: scene.mountZ,
    ambientRmsG: scene.ambientRmsG };
}

function accelerometer(rng: Rng, style: CaseStyle): Signal {
  const { durationS, blowsS, grinderS, breakS } = CASE_TIMELINE;
  const ranges = DEFAULT_MOTION_RANGES;
  // The LIS3DH at ±8 g, the part and range the recordings stand for (full scale CASE_ACCEL_FULL_SCALE_G).
  const scene = { ...drawScene(rng, ranges.grinder.scene, ACCEL_RATE_HZ, durationS), sensor: 'lis3dh_8g' as const };
  const impact = (fromS: number, toS: number, onsetS: number, single: boolean): Signal => {
    const params = withScene(drawImpact(rng, ranges.impact, { rateHz: ACCEL_RATE_HZ, durationS: toS - fromS, onsetS,
      kind: 'series', part: style.struck, grade: 'medium' }), scene);
    if (single) {
      params.blowTimesS = params.blowTimesS.split(',')[0] ?? '';
      params.blowPeaksG = params.blowPeaksG.split(',')[0] ?? '';
    }
    return impactSignal(rng, { ...params, durationS: toS - fromS });
  };
  const grinderParams = withScene(drawGrinder(rng, ranges.grinder, { rateHz: ACCEL_RATE_HZ, durationS: breakS - grinderS[0],
    onsetS: 0.5, activeS: grinderS[1] - grinderS[0] - 0.5, levelDb: 20 }), scene);
  return join([
    impact(0, grinderS[0], blowsS, false),
    grinderSignal(rng, grinderParams),
    impact(breakS, durationS, 0.02, true),
  ]);
}

function balcony(rng: Rng): Signal {
  const params = drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, { rateHz: ACCEL_RATE_HZ, durationS: BALCONY_TIMELINE.durationS,
    onsetS: BALCONY_TIMELINE.ladderS, angleDeg: 1.5 });
  return tiltSignal(rng, { ...params, sensor: 'lis3dh_2g' });
}

/** The signal in full-scale units, for writeWav's ±1 range. */
function scaled(signal: Signal, fullScale: number): Signal {
  if (fullScale === 1) return signal;
  return { ...signal, data: signal.data.map((v) => v / fullScale) };
}

export const RECORDINGS: readonly RecordingPlan[] = [
  ...CASES.flatMap((style): RecordingPlan[] => [
    { file: `${style.role}-mic.wave`, fullScale: 1, durationS: CASE_TIMELINE.durationS,
      events: `${style.profile.replace('_', ' ')} ambient; ${style.glass} glass breaks at ${CASE_TIMELINE.breakS} s` },
    { file: `${style.role}-accel.wave`, fullScale: CASE_ACCEL_FULL_SCALE_G, durationS: CASE_TIMELINE.durationS,
      events: `blows on the ${style.struck} from ${CASE_TIMELINE.blowsS} s; grinder ${CASE_TIMELINE.grinderS.join('–')} s; ` +
        `the breaking blow at ${CASE_TIMELINE.breakS} s` },
  ]),
  { file: 'balcony-accel.wave', fullScale: BALCONY_ACCEL_FULL_SCALE_G, durationS: BALCONY_TIMELINE.durationS,
    events: `wind sway; a ladder tilts the railing by 1.5° at ${BALCONY_TIMELINE.ladderS} s` },
];

/** Renders every recording: file name → WAV bytes. Same seed, same bytes. */
export function renderRecordings(seed = RECORDINGS_SEED): Map<string, Uint8Array> {
  const master = new Rng(seed);
  const out = new Map<string, Uint8Array>();
  const plan = new Map(RECORDINGS.map((r) => [r.file, r]));
  const write = (file: string, signal: Signal): void => {
    const recording = plan.get(file);
    if (recording === undefined) throw new Error(`renderRecordings: ${file} is not in RECORDINGS`);
    const frames = frameCount(signal);
    const expected = Math.round(recording.durationS * signal.rateHz);
    if (frames !== expected) throw new Error(`renderRecordings: ${file} has ${frames} frames, expected ${expected}`);
    out.set(file, writeWav(scaled(signal, recording.fullScale), { format: 'pcm16' }));
  };
  for (const style of CASES) {
    write(`${style.role}-mic.wave`, microphone(master.fork(), style));
    write(`${style.role}-accel.wave`, accelerometer(master.fork(), style));
  }
  write('balcony-accel.wave', balcony(master.fork()));
  return out;
}
