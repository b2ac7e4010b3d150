/**
 * `npm run --silent bench -- --scenarios [acoustic|vibration|tilt]`: the same pipelines as the bench, on
 * the situations that cost the most or the least — ambient alone, the threats, the confusers that keep
 * a pipeline busy, and the tilt pipeline fed at the rates an accelerometer may run at. Names start with
 * the pipeline they measure. Each signal is fixed (seeded) and at least warmupS + measureS long.
 */
import type { PipelineBenchEntry, PipelineRegistry } from './pipeline-run';
import type { MountSurface } from '../../firmware/node/config';
import { MotionBlockStats } from '../../firmware/detect/motion-block';
import { NO_DETECTIONS } from '../../firmware/detect/types';
import type { Detection } from '../../firmware/detect/types';
import { TiltPipeline } from '../../firmware/node/pipeline-tilt';
import { VibrationPipeline } from '../../firmware/node/pipeline-vibration';
import type { Pipeline, PipelineSnapshot } from '../../firmware/node/pipeline';
import type { SampleBlock } from '../../firmware/ports';
import type { LabelledCase } from '../../simulator/signals/corpus';
import { Rng } from '../../simulator/signals/rng';
import type { Signal } from '../../simulator/signals/signal';
import { type AmbientProfile, ambient, drawAmbientParams } from '../../simulator/signals/acoustic/ambient';
import { confuserSignal, drawConfuser } from '../../simulator/signals/motion/confusers';
import { drawGrinder, grinderSignal } from '../../simulator/signals/motion/grinder';
import { drawImpact, impactSignal } from '../../simulator/signals/motion/impacts';
import { DEFAULT_MOTION_RANGES } from '../../simulator/signals/motion/ranges';
import { MotionScene, drawScene } from '../../simulator/signals/motion/scene';
import { sensorModel, sourceUnitsPerCount } from '../../simulator/signals/motion/sensor';
import { drawTilt, tiltSignal } from '../../simulator/signals/motion/tilt';
import { MIC_BLOCK_FRAMES, MIC_UNITS_PER_COUNT, accelerometerBlockFrames, roleConfig, sensorPipeline } from '../../simulator/eval/sensor-pipeline';
import { confuserCase, glassCase } from '../helpers/acoustic-cases';

/** An event case (1.2–1.5 s of ambient, the event, a tail) made `seconds` long by repeating its lead-in ambient. */
function fitted(c: LabelledCase, seconds: number): Signal {
  const { rateHz, data } = c.signal;
  const out = new Float32Array(Math.round(seconds * rateHz));
  const leadIn = Math.round(rateHz);
  for (let i = 0; i < out.length; i++) out[i] = i < data.length ? data[i] : data[(i - data.length) % leadIn];
  return { rateHz, channels: 1, data: out };
}

/**
 * A window node's acoustic pipeline. On its glass (the default) it requires the pane's flex, which a
 * microphone recording does not carry; a break is then never detected and its fragments keep opening
 * candidates. `surface: 'frame'` judges on the microphone alone, so a break is detected as on a node.
 */
function acoustic(description: string, signal: (seconds: number) => Signal, surface?: MountSurface): PipelineBenchEntry {
  return {
    create: () => sensorPipeline('acoustic', roleConfig('window', surface), 1600),
    signal, unitsPerCount: MIC_UNITS_PER_COUNT, blockFrames: MIC_BLOCK_FRAMES, description, warmupS: 1, measureS: 3,
  };
}

function gallery(profile: AmbientProfile): (seconds: number) => Signal {
  return (seconds) => {
    const rng = new Rng(31);
    return ambient(rng, drawAmbientParams(rng, 'default', profile, seconds));
  };
}

const ADXL345_G = sourceUnitsPerCount(sensorModel('adxl345'));

function vibration(description: string, warmupS: number, measureS: number, signal: (seconds: number) => Signal): PipelineBenchEntry {
  return {
    create: () => sensorPipeline('vibration', roleConfig('window'), 1600),
    signal, unitsPerCount: ADXL345_G, blockFrames: accelerometerBlockFrames(1600), description, warmupS, measureS,
  };
}

/** Only the per-sample pass both vibration detectors share, to show its part of the pipeline's cost. */
class FrontEndOnly implements Pipeline {
  readonly kind = 'vibration' as const;
  readonly #stats = new MotionBlockStats();

  push(block: SampleBlock): typeof NO_DETECTIONS {
    this.#stats.update(block);
    return NO_DETECTIONS;
  }

  reset(): void {
    this.#stats.reset();
  }

  snapshot(): PipelineSnapshot {
    return { kind: this.kind, noiseFloorDb: 0, bandsDb: [], bandEdgesHz: [], levels: {}, thresholds: [] };
  }
}

/**
 * A balcony node's accelerometer: its vibration pipeline, then its tilt pipeline reading the vibration
 * pipeline's block stats for saturation (as pipeline-factory wires them), on the same blocks.
 */
class BalconyAccelerometer implements Pipeline {
  readonly kind = 'tilt' as const;
  readonly #vibration = new VibrationPipeline({ role: 'balcony' });
  readonly #tilt = new TiltPipeline({ role: 'balcony', blockStats: this.#vibration.blockStats });

  push(block: SampleBlock): readonly Detection[] {
    const found = this.#vibration.push(block);
    const tilted = this.#tilt.push(block);
    return tilted.length > 0 ? tilted : found;
  }

  reset(): void {
    this.#vibration.reset();
    this.#tilt.reset();
  }

  snapshot(): PipelineSnapshot {
    return this.#tilt.snapshot();
  }
}

function buildingVibration(seconds: number): Signal {
  const rng = new Rng(13);
  return new MotionScene(rng, onAdxl345(drawScene(rng, DEFAULT_MOTION_RANGES.grinder.scene, 1600, seconds))).render(rng);
}

/** Signals drawn with the ADXL345 at 1600 Hz, so every vibration scenario has the same counts per g. */
function onAdxl345<P extends { sensor: string }>(params: P): P {
  return { ...params, sensor: 'adxl345' };
}

function tilt(rateHz: number): PipelineBenchEntry {
  return {
    create: () => sensorPipeline('tilt', roleConfig('balcony'), rateHz),
    signal: (seconds) => {
      const rng = new Rng(14);
      return tiltSignal(rng, { ...drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, { rateHz, durationS: seconds, onsetS: 10, angleDeg: 0.8 }), sensor: 'lis3dh_2g' });
    },
    unitsPerCount: sourceUnitsPerCount(sensorModel('lis3dh_2g')),
    blockFrames: accelerometerBlockFrames(rateHz),
    description: `balcony, accelerometer at ${rateHz} Hz${rateHz > 50 ? ' averaged down to 50 Hz' : ''}; measured from 7 s (home learned) to the ladder at 10 s`,
    warmupS: 7,
    measureS: 3,
  };
}

const registry: PipelineRegistry = {
  'acoustic: ambient, quiet gallery': acoustic('quiet gallery: distant ventilation, the odd footstep', gallery('quiet_gallery')),
  'acoustic: ambient, busy gallery': acoustic('busy gallery: visitors talking and walking', gallery('busy_gallery')),
  'acoustic: ambient, ventilation plant': acoustic('ventilation plant: rumble, fan and mains tones, hiss', gallery('hvac_plant')),
  'acoustic: glass break, tempered +30 dB': acoustic('a tempered pane breaking at +30 dB in a busy gallery, from ~1.4 s; window on its frame (microphone alone: detected)',
    (seconds) => fitted(glassCase(41, 'tempered', 30, 'busy_gallery'), seconds), 'frame'),
  'acoustic: glass break, no flex': acoustic('the same break heard by a window node on its glass without the flex: never detected, its fragments open candidates',
    (seconds) => fitted(glassCase(41, 'tempered', 30, 'busy_gallery'), seconds)),
  'acoustic: keys shaken, loud': acoustic('keys shaken at +30 dB in a quiet gallery (keeps opening candidates)',
    (seconds) => fitted(confuserCase(43, 'keys', 30, 'quiet_gallery'), seconds)),
  'acoustic: music, loud': acoustic('music at +30 dB in a busy gallery', (seconds) => fitted(confuserCase(42, 'music', 30, 'busy_gallery'), seconds)),
  'acoustic: crowd, loud': acoustic('a crowd at +20 dB in a quiet gallery', (seconds) => fitted(confuserCase(44, 'crowd', 20, 'quiet_gallery'), seconds)),
  'vibration: ambient (gate closed)': vibration('building vibration and sensor noise only', 2, 3, buildingVibration),
  'vibration: front end only (MotionBlockStats)': {
    ...vibration('the shared per-sample pass alone (block min/max per axis), on the ambient signal', 2, 3, buildingVibration),
    create: () => new FrontEndOnly(),
  },
  'vibration: grinding (every hop analysed)': vibration('a grinder cutting without pause from 4 s at +20 dB; measured from 5 s', 5, 3, (seconds) => {
    const rng = new Rng(11);
    const params = onAdxl345(drawGrinder(rng, DEFAULT_MOTION_RANGES.grinder, { rateHz: 1600, durationS: seconds, onsetS: 4, activeS: seconds - 4, levelDb: 20 }));
    return grinderSignal(rng, { ...params, contactS: `4.000-${seconds.toFixed(3)}` });
  }),
  'vibration: vacuum cleaner (gate open, rejected)': vibration('a vacuum cleaner by the plinth from 3 s; measured from 5 s', 5, 3, (seconds) => {
    const rng = new Rng(15);
    return confuserSignal(rng, { ...onAdxl345(drawConfuser(rng, DEFAULT_MOTION_RANGES.confusers, 'vacuum', { rateHz: 1600, durationS: seconds, startS: 3, endS: seconds })), levelDb: 20 });
  }),
  'vibration: hammer blows': vibration('a series of medium blows on the glass from 2 s', 2, 5, (seconds) => {
    const rng = new Rng(12);
    return impactSignal(rng, onAdxl345(drawImpact(rng, DEFAULT_MOTION_RANGES.impact, { rateHz: 1600, durationS: seconds, onsetS: 2, kind: 'series', part: 'glass', grade: 'medium' })));
  }),
  'tilt: 50 Hz input': tilt(50),
  'tilt: 400 Hz input': tilt(400),
  'tilt: 1344 Hz input': tilt(1344),
  'tilt: 1600 Hz input': tilt(1600),
  'tilt: 1600 Hz input beside the vibration pipeline': {
    ...tilt(1600),
    create: () => new BalconyAccelerometer(),
    description: 'a balcony node\'s accelerometer at 1600 Hz: the vibration pipeline, then tilt sharing its block stats; the same ladder signal',
  },
};

export default registry;
