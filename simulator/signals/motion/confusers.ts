/**
 * Things that shake a case, window or plinth and are not attacks (DESIGN.md "Threat signatures"):
 * fans, pumps and HVAC (steady weak tones), transformer and lighting hum at twice the mains frequency
 * (exactly steady, with harmonics), vacuum cleaners and floor machines near the plinth, footsteps,
 * traffic rumble below 30 Hz, door slams and visitors tapping the case. Steady sources are placed
 * `levelDb` above the scene's floor; transients by their peak at the sensor in g.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { jitterDirection, randomUnitVector } from './geometry';
import { addSegment, bandNoise, wander } from './noise';
import { MotionScene, drawScene, gainForLevel, logUniform, maskedVectorRms } from './scene';
import type { SceneParams, SceneRanges } from './scene';
import { addStrike } from './strike';
import { formatInstants, parseInstants } from './timing';

export const VIBRATION_CONFUSERS = ['hvac', 'mains_hum', 'vacuum', 'floor_machine', 'footsteps', 'traffic', 'door_slam', 'tapping'] as const;
export type ConfuserKind = (typeof VIBRATION_CONFUSERS)[number];

type Range = readonly [number, number];

export interface ConfuserRanges {
  scene: SceneRanges;
  hvac: { toneHz: Range; harmonics: Range; harmonicDb: Range; levelDb: Range; jitterPct: Range; airDb: Range };
  mainsHum: { mainsHz: readonly number[]; levelDb: Range; harmonic2Db: Range; harmonic3Db: Range };
  vacuum: { motorHz: Range; motorWanderPct: Range; brushHz: Range; brushDb: Range; airShare: Range; levelDb: Range; strokeHz: Range };
  floorMachine: { motorHz: readonly number[]; mainsHz: readonly number[]; padShare: Range; levelDb: Range; brushHz: Range; humDb: Range };
  footsteps: { stepHz: Range; peakG: Range; modeLoHz: Range; modeHiHz: Range };
  traffic: { rmsG: Range; passS: Range; engineHz: Range };
  doorSlam: { peakG: Range; modeLoHz: Range; modeHiHz: Range; dampingRatio: Range; rattleShare: Range };
  tapping: { count: Range; intervalS: Range; peakG: Range; contactMs: Range; modeLoHz: Range; modeHiHz: Range; dampingRatio: Range };
}

/** Parameters of one confuser case: the scene, the kind, and the kind's own figures (flat, numbers or text). */
export interface ConfuserParams extends SceneParams {
  kind: ConfuserKind;
  startS: number;
  endS: number;
  [figure: string]: number | string;
}

export function drawConfuser(
  rng: Rng, ranges: ConfuserRanges, kind: ConfuserKind, options: { rateHz: number; durationS: number; startS: number; endS: number },
): ConfuserParams {
  const scene = drawScene(rng, ranges.scene, options.rateHz, options.durationS);
  const u = (r: Range): number => rng.uniform(r[0], r[1]);
  const base = { ...scene, kind, startS: options.startS, endS: options.endS };
  const nyquistSafe = options.rateHz * 0.45;
  switch (kind) {
    case 'hvac': {
      const r = ranges.hvac;
      return { ...base, toneHz: u(r.toneHz), harmonics: rng.int(r.harmonics[0], r.harmonics[1]), harmonicDb: u(r.harmonicDb),
        levelDb: u(r.levelDb), jitterPct: u(r.jitterPct), airDb: u(r.airDb) };
    }
    case 'mains_hum': {
      const r = ranges.mainsHum;
      return { ...base, mainsHz: rng.pick(r.mainsHz), levelDb: u(r.levelDb), harmonic2Db: u(r.harmonic2Db), harmonic3Db: u(r.harmonic3Db) };
    }
    case 'vacuum': {
      const r = ranges.vacuum;
      return { ...base, motorHz: Math.min(nyquistSafe, u(r.motorHz)), motorWanderPct: u(r.motorWanderPct), brushHz: u(r.brushHz),
        brushDb: u(r.brushDb), airShare: u(r.airShare), levelDb: u(r.levelDb), strokeHz: u(r.strokeHz) };
    }
    case 'floor_machine': {
      const r = ranges.floorMachine;
      return { ...base, motorHz: rng.pick(r.motorHz), mainsHz: rng.pick(r.mainsHz), padShare: u(r.padShare), levelDb: u(r.levelDb),
        brushHz: u(r.brushHz), humDb: u(r.humDb) };
    }
    case 'footsteps': {
      const r = ranges.footsteps;
      return { ...base, stepHz: u(r.stepHz), peakG: logUniform(rng, r.peakG), modeLoHz: u(r.modeLoHz), modeHiHz: u(r.modeHiHz) };
    }
    case 'traffic': {
      const r = ranges.traffic;
      return { ...base, rmsG: logUniform(rng, r.rmsG), passS: u(r.passS), engineHz: u(r.engineHz) };
    }
    case 'door_slam': {
      const r = ranges.doorSlam;
      return { ...base, peakG: logUniform(rng, r.peakG), modeLoHz: u(r.modeLoHz), modeHiHz: u(r.modeHiHz),
        dampingRatio: logUniform(rng, r.dampingRatio), rattleShare: u(r.rattleShare) };
    }
    case 'tapping': {
      const r = ranges.tapping;
      const count = rng.int(r.count[0], r.count[1]);
      const times: number[] = [];
      for (let t = options.startS, i = 0; i < count && t < options.endS; i++, t += u(r.intervalS)) times.push(t);
      return { ...base, tapTimesS: formatInstants(times), peakG: logUniform(rng, r.peakG), contactMs: u(r.contactMs),
        modeLoHz: u(r.modeLoHz), modeHiHz: u(r.modeHiHz), dampingRatio: logUniform(rng, r.dampingRatio) };
    }
  }
}

function num(params: ConfuserParams, key: string): number {
  const value = params[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`confuser '${params.kind}': parameter ${key} must be a number, got ${String(value)}`);
  return value;
}

/** A harmonic series following `frequencyHz` (one value per frame) with the given amplitudes (1st, 2nd, ...). */
function toneSeries(rng: Rng, frequencyHz: Float64Array, rateHz: number, amplitudes: readonly number[]): Float64Array {
  const out = new Float64Array(frequencyHz.length);
  const phases = amplitudes.map(() => rng.uniform(0, 2 * Math.PI));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    phase += (2 * Math.PI * frequencyHz[i]) / rateHz;
    let v = 0;
    for (let h = 0; h < amplitudes.length; h++) {
      if ((h + 1) * frequencyHz[i] < rateHz * 0.45) v += amplitudes[h] * Math.sin((h + 1) * phase + phases[h]);
    }
    out[i] = v;
  }
  return out;
}

function constant(frames: number, value: number): Float64Array {
  return new Float64Array(frames).fill(value);
}

/** Steady source on between startS and endS: waves along their directions, set to levelDb above the floor. */
function addSteady(scene: MotionScene, rng: Rng, params: ConfuserParams, parts: readonly { wave: Float64Array; weight: number }[]): void {
  const active = new Float64Array(scene.frames);
  addSegment(active, scene.rateHz, params.startS, params.endS, 0.5);
  const main = randomUnitVector(rng);
  const event = scene.eventBuffer();
  for (const { wave, weight } of parts) {
    for (let i = 0; i < wave.length; i++) wave[i] *= active[i];
    MotionScene.addAlong(event, wave, jitterDirection(rng, main, 0.5), weight);
  }
  scene.addEvent(event, gainForLevel(scene, event, active, num(params, 'levelDb')));
}

export function confuserSignal(rng: Rng, params: ConfuserParams): Signal {
  const scene = new MotionScene(rng, params);
  addConfuser(rng, params, scene);
  return scene.render(rng);
}

/** Adds a confuser case's motion to a scene; the simulator mixes it with other events before the scene is rendered. */
export function addConfuser(rng: Rng, params: ConfuserParams, scene: MotionScene): void {
  const { frames, rateHz } = scene;
  switch (params.kind) {
    case 'hvac': {
      // Blade-pass or pump tone: steady to a fraction of a percent, a few weak harmonics, a little air noise.
      const f0 = num(params, 'toneHz');
      const jitter = wander(rng, frames, rateHz, 0.2);
      const freq = new Float64Array(frames);
      for (let i = 0; i < frames; i++) freq[i] = f0 * (1 + (num(params, 'jitterPct') / 100) * jitter[i]);
      const amps = [1];
      for (let h = 1; h <= num(params, 'harmonics'); h++) amps.push(10 ** ((num(params, 'harmonicDb') * h) / 20));
      const tone = toneSeries(rng, freq, rateHz, amps);
      const air = bandNoise(rng, frames, rateHz, 20, rateHz * 0.45);
      addSteady(scene, rng, params, [{ wave: tone, weight: 1 }, { wave: air, weight: 10 ** (num(params, 'airDb') / 20) }]);
      break;
    }
    case 'mains_hum': {
      // Magnetostriction at twice the mains frequency: exactly steady, harmonics at 2× and 3× of it.
      const f = 2 * num(params, 'mainsHz');
      const tone = toneSeries(rng, constant(frames, f), rateHz, [1, 10 ** (num(params, 'harmonic2Db') / 20), 10 ** (num(params, 'harmonic3Db') / 20)]);
      addSteady(scene, rng, params, [{ wave: tone, weight: 1 }]);
      break;
    }
    case 'vacuum': {
      // Universal motor (speed varies with the airflow), belt-driven brush roll with its harmonics,
      // broadband airflow, and the push-pull strokes modulating it all.
      const motorWander = wander(rng, frames, rateHz, 0.7);
      const motor = new Float64Array(frames);
      const brush = new Float64Array(frames);
      const brushWander = wander(rng, frames, rateHz, 0.5);
      for (let i = 0; i < frames; i++) {
        motor[i] = num(params, 'motorHz') * (1 + (num(params, 'motorWanderPct') / 100) * motorWander[i]);
        brush[i] = num(params, 'brushHz') * (1 + 0.03 * brushWander[i]);
      }
      const motorTone = toneSeries(rng, motor, rateHz, [1, 0.3]);
      const brushTone = toneSeries(rng, brush, rateHz, [1, 0.5, 0.3, 0.15]);
      const air = bandNoise(rng, frames, rateHz, 60, rateHz * 0.45);
      const stroke = num(params, 'strokeHz');
      const strokePhase = rng.uniform(0, 2 * Math.PI);
      for (let i = 0; i < frames; i++) {
        const m = 0.75 + 0.25 * Math.sin((2 * Math.PI * stroke * i) / rateHz + strokePhase);
        motorTone[i] *= m; brushTone[i] *= m; air[i] *= m;
      }
      const airShare = num(params, 'airShare');
      addSteady(scene, rng, params, [
        { wave: motorTone, weight: Math.sqrt(1 - airShare) },
        { wave: brushTone, weight: Math.sqrt(1 - airShare) * 10 ** (num(params, 'brushDb') / 20) },
        { wave: air, weight: Math.sqrt(airShare) },
      ]);
      break;
    }
    case 'floor_machine': {
      // Induction motor at its slip speed, magnetic hum at twice the mains, pad friction (low-frequency heavy),
      // the brush rotation modulating it.
      const motorTone = toneSeries(rng, constant(frames, num(params, 'motorHz')), rateHz, [1, 0.4, 0.2]);
      const hum = toneSeries(rng, constant(frames, 2 * num(params, 'mainsHz')), rateHz, [1, 0.3]);
      const pad = bandNoise(rng, frames, rateHz, 10, 250);
      const brushHz = num(params, 'brushHz');
      for (let i = 0; i < frames; i++) pad[i] *= 0.7 + 0.3 * Math.sin((2 * Math.PI * brushHz * i) / rateHz);
      const padShare = num(params, 'padShare');
      addSteady(scene, rng, params, [
        { wave: motorTone, weight: Math.sqrt(1 - padShare) },
        { wave: hum, weight: Math.sqrt(1 - padShare) * 10 ** (num(params, 'humDb') / 20) },
        { wave: pad, weight: Math.sqrt(padShare) },
      ]);
      break;
    }
    case 'footsteps': {
      // Someone walking past: low-frequency thuds at the step rate, louder as they come closer.
      const wave = new Float64Array(frames);
      const start = params.startS;
      const end = params.endS;
      const middle = (start + end) / 2;
      for (let t = start; t < end; t += (1 / num(params, 'stepHz')) * rng.uniform(0.92, 1.08)) {
        const closeness = 1 - 0.7 * Math.abs(t - middle) / Math.max(0.5, (end - start) / 2);
        addStrike(rng, wave, rateHz, t, num(params, 'peakG') * closeness * rng.uniform(0.8, 1), {
          contactMs: rng.uniform(15, 40), modeLoHz: num(params, 'modeLoHz'), modeHiHz: num(params, 'modeHiHz'),
          modeCount: 3, dampingRatio: rng.uniform(0.08, 0.25), pulseWeight: 0.5,
        });
      }
      MotionScene.addAlong(scene.motion, wave, jitterDirection(rng, [0, 0, 1], 0.4));
      break;
    }
    case 'traffic': {
      // Vehicles passing outside: rumble below 30 Hz with a rise and fall, plus an engine's firing tone. Traffic
      // moves buildings by about 0.1–1 mm/s, a few to a few tens of mg at 5–30 Hz: set as the RMS while loud.
      const rumble = bandNoise(rng, frames, rateHz, 3, 28);
      const engine = new Float64Array(frames);
      const engineWander = wander(rng, frames, rateHz, 0.3);
      for (let i = 0; i < frames; i++) engine[i] = num(params, 'engineHz') * (1 + 0.05 * engineWander[i]);
      const engineTone = toneSeries(rng, engine, rateHz, [1]);
      const envelope = new Float64Array(frames);
      const passS = num(params, 'passS');
      for (let t = params.startS; t < params.endS; t += passS * rng.uniform(0.6, 1.4)) {
        const centre = t + passS / 2;
        const strength = rng.uniform(0.4, 1);
        for (let i = scene.frameOf(t); i < scene.frameOf(t + passS); i++) {
          const x = (i / rateHz - centre) / (passS / 4);
          envelope[i] = Math.max(envelope[i], strength * Math.exp(-x * x));
        }
      }
      const wave = new Float64Array(frames);
      for (let i = 0; i < frames; i++) wave[i] = envelope[i] * (rumble[i] + 0.5 * engineTone[i]);
      const event = scene.eventBuffer();
      MotionScene.addAlong(event, wave, jitterDirection(rng, [0, 0, 1], 0.6));
      const active = new Float64Array(frames);
      for (let i = 0; i < frames; i++) active[i] = envelope[i] > 0.3 ? 1 : 0;
      const rmsG = maskedVectorRms(event, active);
      scene.addEvent(event, rmsG > 0 ? num(params, 'rmsG') / rmsG : 0);
      break;
    }
    case 'door_slam': {
      // A door slammed nearby: a dead low-frequency thump through the wall or floor, a little glass rattle.
      const thump = new Float64Array(frames);
      const peak = num(params, 'peakG');
      const rattleShare = num(params, 'rattleShare');
      addStrike(rng, thump, rateHz, params.startS, peak * (1 - rattleShare), {
        contactMs: rng.uniform(8, 25), modeLoHz: num(params, 'modeLoHz'), modeHiHz: num(params, 'modeHiHz'),
        modeCount: 3, dampingRatio: num(params, 'dampingRatio'), pulseWeight: 0.5,
      });
      const rattle = new Float64Array(frames);
      addStrike(rng, rattle, rateHz, params.startS + rng.uniform(0.005, 0.03), peak * rattleShare, {
        contactMs: 2, modeLoHz: 150, modeHiHz: 600, modeCount: 3, dampingRatio: 0.03, pulseWeight: 0.2,
      });
      MotionScene.addAlong(scene.motion, thump, randomUnitVector(rng));
      MotionScene.addAlong(scene.motion, rattle, randomUnitVector(rng));
      break;
    }
    case 'tapping': {
      // A visitor tapping the glass with a knuckle or a ring: light, soft, short ringing.
      const normal = randomUnitVector(rng);
      const times = parseInstants(String(params.tapTimesS));
      for (const t of times) {
        const wave = new Float64Array(frames);
        addStrike(rng, wave, rateHz, t, num(params, 'peakG') * rng.uniform(0.7, 1), {
          contactMs: num(params, 'contactMs'), modeLoHz: num(params, 'modeLoHz'), modeHiHz: num(params, 'modeHiHz'),
          modeCount: 3, dampingRatio: num(params, 'dampingRatio'), pulseWeight: 0.4,
        });
        MotionScene.addAlong(scene.motion, wave, jitterDirection(rng, normal, 0.3));
      }
      break;
    }
  }
}
