/**
 * Representative steady-state signals for the bench: what a node hears and feels in an open gallery or
 * on a balcony most of the time, with the ordinary events of the place, not silence. Seeded (the same
 * signal every run) and built from the signal library's default ranges.
 */
import { Rng } from '../../simulator/signals/rng';
import { type Signal, dbToGain, mixInto } from '../../simulator/signals/signal';
import { ambient, drawAmbientParams } from '../../simulator/signals/acoustic/ambient';
import { activeRms, micHighpass } from '../../simulator/signals/acoustic/level';
import { doorSlam, drawDoorSlamParams, drawDroppedObjectParams, droppedObject } from '../../simulator/signals/acoustic/impacts';
import { drawSpeechParams, speech } from '../../simulator/signals/acoustic/voice';
import { type ConfuserKind, confuserSignal, drawConfuser } from '../../simulator/signals/motion/confusers';
import { DEFAULT_MOTION_RANGES } from '../../simulator/signals/motion/ranges';
import { drawScene } from '../../simulator/signals/motion/scene';
import { drawTilt, tiltSignal } from '../../simulator/signals/motion/tilt';

/** A busy gallery (visitors talking and walking, ventilation): a guide speaking near the case, a door slammed, a book dropped. */
export const GALLERY_SOUND = 'busy gallery ambient; a guide speaking at +15 dB from 2.5 s for ~3 s, a door slam at +25 dB at 6 s, a book dropped at +20 dB at 8 s';

export function gallerySound(seconds: number): Signal {
  const rng = new Rng(101);
  const params = drawAmbientParams(rng, 'default', 'busy_gallery', seconds);
  const signal = ambient(rng, params);
  const floor = dbToGain(params.floorDbfs);
  const place = (event: Signal, atS: number, levelDb: number): void => {
    const data = micHighpass(event.data.slice());
    const level = activeRms(data);
    if (level > 0) mixInto(signal, { ...event, data }, atS, (floor * dbToGain(levelDb)) / level);
  };
  place(speech(rng, drawSpeechParams(rng, 'default', 3)), 2.5, 15);
  place(doorSlam(rng, drawDoorSlamParams(rng, 'default')), 6, 25);
  place(droppedObject(rng, { ...drawDroppedObjectParams(rng, 'default'), kind: 'book' }), 8, 20);
  return signal;
}

/** The floor under a display case: building vibration, a visitor walking past, then visitors tapping the glass. */
export const GALLERY_VIBRATION = 'display case, ADXL345 at 1600 Hz: building vibration and sensor noise; a visitor walking past from 2 s to 6.5 s, visitors tapping the case from 7 s';

/** Rendered in two parts with one scene (same sensor, mounting and building), joined end to end. */
export function galleryVibration(seconds: number): Signal {
  const rng = new Rng(102);
  const ranges = DEFAULT_MOTION_RANGES.confusers;
  const scene = { ...drawScene(rng, ranges.scene, 1600, seconds), sensor: 'adxl345' as const };
  const part = (kind: ConfuserKind, durationS: number, startS: number, endS: number): Signal => {
    const params = { ...drawConfuser(rng, ranges, kind, { rateHz: 1600, durationS, startS, endS }), ...scene, durationS };
    return confuserSignal(rng, params);
  };
  const walkS = Math.min(seconds, 6.5);
  const walking = part('footsteps', walkS, 2, walkS);
  if (seconds <= walkS) return walking;
  const tapping = part('tapping', seconds - walkS, 0.5, seconds - walkS);
  const data = new Float32Array(walking.data.length + tapping.data.length);
  data.set(walking.data);
  data.set(tapping.data, walking.data.length);
  return { rateHz: 1600, channels: 3, data };
}

/** A balcony railing at 50 Hz in a breeze: wind sway within the defaults' range, building vibration, sensor noise. */
export const BALCONY_TILT = 'balcony railing, LIS3DH ±2 g at 50 Hz: wind sway (default range), building vibration and sensor noise, after the home position was learned';

export function balconyTilt(seconds: number): Signal {
  const rng = new Rng(103);
  const params = drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, {
    rateHz: 50, durationS: seconds, onsetS: 0, angleDeg: 0, swayDeg: DEFAULT_MOTION_RANGES.windSwayDeg, climb: false,
  });
  return tiltSignal(rng, { ...params, sensor: 'lis3dh_2g' });
}
