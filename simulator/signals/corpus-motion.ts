/**
 * Labelled accelerometer corpora for the vibration pipeline (grinder, impact) and the tilt pipeline.
 * Every threat variant at each level that applies, every confuser class, and ambient-only cases; drawn
 * from the default ranges (tuning) or the holdout ranges (reporting only). Same options, same cases.
 */
import { TILT_OPTION_SPECS } from '../../firmware/detect/tilt';
import type { CorpusOptions, LabelledCase } from './corpus';
import { Rng } from './rng';
import type { Signal } from './signal';
import { VIBRATION_CONFUSERS, confuserSignal, drawConfuser } from './motion/confusers';
import { drawGrinder, grinderSignal } from './motion/grinder';
import type { GrinderRanges } from './motion/grinder';
import { drawImpact, impactSignal } from './motion/impacts';
import type { BlowGrade, ImpactKind, StruckPart } from './motion/impacts';
import { drawRailingWind, railingWindSignal } from './motion/railing';
import { DEFAULT_MOTION_RANGES, HOLDOUT_MOTION_RANGES } from './motion/ranges';
import type { MotionRanges } from './motion/ranges';
import { MotionScene, drawScene } from './motion/scene';
import { drawTilt, tiltSignal } from './motion/tilt';
import { parseInstants } from './motion/timing';

/** Levels of threats above the ambient floor, dB. */
export const MOTION_LEVELS_DB = [10, 20, 30] as const;

/** The group of the railing's own confusers (a railing singing in the wind). */
export const RAILING_WIND_GROUP = 'railing_wind';

/** Tilt angles of the ladder cases as multiples of the default threshold ("from the threshold upward"). */
export const TILT_ANGLE_FACTORS = [1.25, 1.5, 2, 3, 5, 10] as const;

const BLOW_GRADES: readonly BlowGrade[] = ['light', 'medium', 'heavy'];
const STRUCK_PARTS: readonly StruckPart[] = ['glass', 'frame'];

type Params = Record<string, number | string | boolean>;

function flat(params: object): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') {
      throw new Error(`corpus: parameter ${key} is not a number, string or boolean`);
    }
    out[key] = value;
  }
  return out;
}

function rangesFor(options: CorpusOptions): MotionRanges {
  return options.holdout ? HOLDOUT_MOTION_RANGES : DEFAULT_MOTION_RANGES;
}

/** How many cases per cell: small for CI, full for the eval command. */
function count(options: CorpusOptions, small: number, full: number): number {
  return options.size === 'small' ? small : full;
}

/**
 * Grinder at +10/+20/+30 dB, impacts (blow series by strength, and single shocks) on glass and frames, confusers,
 * ambient, tacho-regulated grinders, and with `railing` a railing singing in the wind.
 */
export function vibrationCorpus(options: CorpusOptions): LabelledCase[] {
  const ranges = rangesFor(options);
  const rng = new Rng(options.seed ^ (options.holdout ? 0x5eed0001 : 0x5eed0000));
  const cases: LabelledCase[] = [];
  const rateFor = (i: number): number => (options.size === 'full' && i % 4 === 3 ? 1344 : 1600);

  for (const levelDb of MOTION_LEVELS_DB) {
    for (let i = 0; i < count(options, 4, 30); i++) {
      cases.push(grinderCase(rng.fork(), ranges.grinder, 'grinder', { levelDb, rateHz: rateFor(i), durationS: options.size === 'small' ? 9 : 11 }, i));
    }
  }

  const impactVariants: { kind: ImpactKind; grade: BlowGrade }[] = [
    ...BLOW_GRADES.map((grade) => ({ kind: 'series' as const, grade })),
    { kind: 'shock', grade: 'heavy' },
  ];
  for (const { kind, grade } of impactVariants) {
    for (const part of STRUCK_PARTS) {
      for (let i = 0; i < count(options, 1, 8); i++) {
        const caseRng = rng.fork();
        const durationS = kind === 'shock' ? 6 : 13;
        const onsetS = caseRng.uniform(2.5, 3.5);
        const params = drawImpact(caseRng, ranges.impact, { rateHz: rateFor(i), durationS, onsetS, kind, part, grade });
        const times = parseInstants(params.blowTimesS);
        const label = kind === 'shock' ? `impact/shock/${part}` : `impact/series/${part}/${grade}`;
        cases.push({
          id: `${label}/#${i}`, sensor: 'vibration', threat: 'impact', group: kind === 'shock' ? 'impact/shock' : `impact/${grade}`,
          onsetS, endS: times[times.length - 1] + 0.5, signal: impactSignal(caseRng, params), params: flat(params),
        });
      }
    }
  }

  for (const kind of VIBRATION_CONFUSERS) {
    for (let i = 0; i < count(options, 3, 20); i++) {
      const caseRng = rng.fork();
      // Machines switch on while the node runs (not before: a floor that learned them is the easy case).
      const durationS = options.size === 'small' ? 10 : 14;
      const startS = caseRng.uniform(3, 4.5);
      const params = drawConfuser(caseRng, ranges.confusers, kind, { rateHz: rateFor(i), durationS, startS, endS: durationS - 0.5 });
      cases.push({
        id: `confuser/${kind}/#${i}`, sensor: 'vibration', threat: null, group: kind, onsetS: startS, endS: durationS - 0.5,
        signal: confuserSignal(caseRng, params), params: flat(params),
      });
    }
  }

  for (let i = 0; i < count(options, 3, 20); i++) cases.push(ambientCase(rng.fork(), ranges, 'vibration', rateFor(i), options.size === 'small' ? 10 : 14, i));

  // Tacho-regulated grinders, drawn last so that every case above stays what it was before they joined. Their
  // speed barely moves, so the detector waits for the first pause in the cutting: 11 s hold one in any size.
  const regulated = { ...ranges.grinder, ...ranges.regulatedGrinder };
  for (const levelDb of MOTION_LEVELS_DB) {
    for (let i = 0; i < count(options, 1, 10); i++) cases.push(grinderCase(rng.fork(), regulated, 'grinder/regulated', { levelDb, rateHz: rateFor(i), durationS: 11 }, i));
  }

  // A railing singing in the wind: only for a node on a railing, and last, so no other case changes with it.
  if (options.railing === true) cases.push(...railingWindCases(rng, ranges, 'vibration', count(options, 6, 20), rateFor));
  return cases;
}

/**
 * Ladder or lift at angles from the threshold upward, wind sway, gusts, thermal drift, people, slams, traffic,
 * ambient, and with `railing` a railing singing in the wind.
 */
export function tiltCorpus(options: CorpusOptions): LabelledCase[] {
  const ranges = rangesFor(options);
  const rng = new Rng(options.seed ^ (options.holdout ? 0x7117001 : 0x7117000));
  const cases: LabelledCase[] = [];
  const thresholdDeg = TILT_OPTION_SPECS.thresholdDeg.default;
  // Half the cases at 50 Hz (a balcony node may run its accelerometer there), the rest faster, decimated by
  // the pipeline; the rates take turns across all cases so that even the small corpus has each.
  const rates = [50, 400, 50, 1600];
  let turn = 0;
  const rateFor = (_i: number): number => rates[turn++ % rates.length];

  for (const factor of TILT_ANGLE_FACTORS) {
    const angleDeg = Math.round(thresholdDeg * factor * 100) / 100;
    for (let i = 0; i < count(options, 2, 12); i++) {
      const caseRng = rng.fork();
      // After the detector has learned its home position (6 s).
      const onsetS = caseRng.uniform(9, 12);
      const durationS = onsetS + 6;
      const params = drawTilt(caseRng, ranges.tilt, { rateHz: rateFor(i), durationS, onsetS, angleDeg });
      cases.push({
        id: `tilt/${angleDeg.toFixed(2)}deg/#${i}`, sensor: 'tilt', threat: 'tilt', group: `tilt/${angleDeg.toFixed(2)}deg`,
        onsetS, endS: durationS, signal: tiltSignal(caseRng, params), params: flat({ ...params, thresholdFactor: factor }),
      });
    }
  }

  const confuser = <P extends object>(group: string, i: number, durationS: number, draw: (r: Rng) => P, make: (r: Rng, p: P) => Signal): void => {
    const caseRng = rng.fork();
    const params = draw(caseRng);
    cases.push({ id: `confuser/${group}/#${i}`, sensor: 'tilt', threat: null, group, onsetS: 0, endS: durationS, signal: make(caseRng, params), params: flat(params) });
  };
  for (let i = 0; i < count(options, 2, 10); i++) {
    const durationS = options.size === 'small' ? 40 : 120;
    confuser('wind_sway', i, durationS, (r) => drawTilt(r, ranges.tilt, { rateHz: 50, durationS, onsetS: 0, angleDeg: 0, swayDeg: ranges.windSwayDeg }), tiltSignal);
  }
  for (let i = 0; i < count(options, 1, 5); i++) {
    const durationS = options.size === 'small' ? 1200 : 7200;
    confuser('thermal_drift', i, durationS, (r) => drawTilt(r, ranges.tilt, {
      rateHz: 50, durationS, onsetS: 0, angleDeg: 0, driftDegPerHour: ranges.thermalDriftDegPerHour,
    }), tiltSignal);
  }
  const tiltConfusers = ['footsteps', 'door_slam', 'traffic'] as const;
  for (const kind of tiltConfusers) {
    for (let i = 0; i < count(options, 2, 10); i++) {
      const durationS = 20;
      const startS = kind === 'door_slam' ? 8 : 4;
      confuser(kind, i, durationS, (r) => drawConfuser(r, { ...ranges.confusers, scene: ranges.tiltScene }, kind, {
        rateHz: rateFor(i), durationS, startS, endS: durationS - 1,
      }), confuserSignal);
    }
  }
  for (let i = 0; i < count(options, 2, 10); i++) cases.push(ambientCase(rng.fork(), ranges, 'tilt', rateFor(i), 30, i));
  // A railing singing in the wind reaches the tilt pipeline through the same accelerometer (1600 Hz, as the
  // balcony's vibration pipeline runs it); last, so no other case changes with it.
  if (options.railing === true) cases.push(...railingWindCases(rng, ranges, 'tilt', count(options, 6, 20), () => 1600));
  return cases;
}

/** `count` cases of a railing singing in the wind for `sensor`'s corpus, 20 s long: gusts take the hum in and out of lock a few times. */
function railingWindCases(rng: Rng, ranges: MotionRanges, sensor: 'vibration' | 'tilt', count: number, rateFor: (i: number) => number): LabelledCase[] {
  const cases: LabelledCase[] = [];
  for (let i = 0; i < count; i++) {
    const caseRng = rng.fork();
    const durationS = 20;
    const startS = caseRng.uniform(3, 4.5);
    const params = drawRailingWind(caseRng, ranges.railingWind, { rateHz: rateFor(i), durationS, startS, endS: durationS - 0.5 });
    cases.push({
      id: `confuser/${RAILING_WIND_GROUP}/#${i}`, sensor, threat: null, group: RAILING_WIND_GROUP, onsetS: startS, endS: durationS - 0.5,
      signal: railingWindSignal(caseRng, params), params: flat(params),
    });
  }
  return cases;
}

/** A grinder case of `group` (`grinder`, or a variant `grinder/<variant>`) at `levelDb` above the floor. */
function grinderCase(caseRng: Rng, ranges: GrinderRanges, group: string, at: { levelDb: number; rateHz: number; durationS: number }, index: number): LabelledCase {
  const { levelDb, rateHz, durationS } = at;
  // The node has been running for a while: the disc (and its approach) starts after the detector settled.
  const onsetS = caseRng.uniform(4, 5);
  const params = drawGrinder(caseRng, ranges, { rateHz, durationS, onsetS, activeS: durationS - onsetS, levelDb });
  const segments = params.contactS.split(',');
  const endS = Number(segments[segments.length - 1].split('-')[1]);
  return {
    id: `${group}/+${levelDb}dB/#${index}`, sensor: 'vibration', threat: 'grinder', group, levelDb,
    onsetS, endS, signal: grinderSignal(caseRng, params), params: flat(params),
  };
}

function ambientCase(rng: Rng, ranges: MotionRanges, sensor: 'vibration' | 'tilt', rateHz: number, durationS: number, index: number): LabelledCase {
  const params = drawScene(rng, sensor === 'tilt' ? ranges.tiltScene : ranges.grinder.scene, rateHz, durationS);
  const scene = new MotionScene(rng, params);
  return {
    id: `ambient/${sensor}/#${index}`, sensor, threat: null, group: 'ambient', onsetS: null, endS: null,
    signal: scene.render(rng), params: flat(params),
  };
}
