/**
 * Sound propagation from a source to the microphone in a room: spherical spreading (1/r), air
 * absorption on the direct path, and a diffuse reverberant field from a feedback delay network whose
 * decay follows Sabine's formula with air absorption (so the reverberant tail is duller than the direct
 * sound). The direct-to-reverberant energy ratio comes from the room's critical distance.
 */
import type { Rng } from '../rng';
import { type ParamSet, type Range, drawIn, drawLog, range } from './ranges';
import { MIC_RATE_HZ, energy, tiltDown } from './synth';

export interface RoomParams {
  /** Source to microphone distance. */
  distanceM: number;
  /** Reverberation time (−60 dB) at mid frequencies (500 Hz–1 kHz). */
  rt60S: number;
  roomVolumeM3: number;
}

const SPEED_OF_SOUND_MPS = 343;
/** Air absorption at 8 kHz, 20 °C, 50 % relative humidity (ISO 9613-1), dB per metre. */
const AIR_ABSORPTION_8K_DB_PER_M = 0.1;

/** Distance at which direct and reverberant energy are equal (omnidirectional source). */
export function criticalDistanceM(room: RoomParams): number {
  return 0.057 * Math.sqrt(room.roomVolumeM3 / room.rt60S);
}

/**
 * Reverberation time at 8 kHz: Sabine's T = 0.161 V / A with the air's absorption 4 m V added
 * to the room's equivalent absorption area A = 0.161 V / T(mid).
 */
export function rt60At8kS(room: RoomParams): number {
  const airPowerPerM = AIR_ABSORPTION_8K_DB_PER_M / 4.343;
  const area = (0.161 * room.roomVolumeM3) / room.rt60S;
  return (0.161 * room.roomVolumeM3) / (area + 4 * airPowerPerM * room.roomVolumeM3);
}

/**
 * The dry source signal (as it would be 1 m from the source) as the microphone receives it at
 * `room.distanceM`: direct sound plus reverberation, including the reverberant tail (the result is
 * longer than the input by the reverberation time). The direct sound starts at sample 0.
 */
export function propagate(rng: Rng, dry: Float32Array, room: RoomParams): Float32Array {
  const tailSamples = Math.round(room.rt60S * MIC_RATE_HZ);
  const direct = new Float32Array(dry.length + tailSamples);
  direct.set(dry);
  const airLossDb = AIR_ABSORPTION_8K_DB_PER_M * room.distanceM;
  tiltDown(direct, 10 ** (-airLossDb / 20));
  const spreading = 1 / Math.max(0.25, room.distanceM);
  const wet = reverberate(rng, direct, room);
  const directEnergy = energy(direct);
  const wetEnergy = energy(wet);
  const ratio = (room.distanceM / criticalDistanceM(room)) ** 2;
  const wetGain = wetEnergy > 0 ? Math.sqrt((ratio * directEnergy) / wetEnergy) : 0;
  for (let i = 0; i < direct.length; i++) direct[i] = (direct[i] + wet[i] * wetGain) * spreading;
  return direct;
}

/** An 8-line feedback delay network (Hadamard feedback), mid and 8 kHz decay set by the room. */
function reverberate(rng: Rng, input: Float32Array, room: RoomParams): Float32Array {
  // Delays around the room's mean free path (4V/S for a cube), spread so they share no common period.
  const side = Math.cbrt(room.roomVolumeM3);
  const meanFreePathS = (4 * room.roomVolumeM3) / (6 * side * side) / SPEED_OF_SOUND_MPS;
  const t60Hf = rt60At8kS(room);
  // All lines in one buffer: line i occupies [offset[i], offset[i] + delay[i]).
  const delay = new Int32Array(FDN_LINES);
  const offset = new Int32Array(FDN_LINES);
  const at = new Int32Array(FDN_LINES);
  const gain = new Float64Array(FDN_LINES);
  const pole = new Float64Array(FDN_LINES);
  const state = new Float64Array(FDN_LINES);
  const outSign = new Float64Array(FDN_LINES);
  const inSign = new Float64Array(FDN_LINES);
  let total = 0;
  for (let i = 0; i < FDN_LINES; i++) {
    const base = meanFreePathS * (0.55 + (1.1 * i) / (FDN_LINES - 1)) * MIC_RATE_HZ;
    delay[i] = Math.max(31, Math.round(base * rng.uniform(0.93, 1.07))) | 1;
    offset[i] = total;
    total += delay[i];
    const g = 10 ** ((-3 * delay[i]) / (MIC_RATE_HZ * room.rt60S));
    const r = 10 ** ((-3 * delay[i]) / (MIC_RATE_HZ * t60Hf)) / g;
    // Loop filter: one pole, gain g at DC and g·r at Nyquist.
    pole[i] = (1 - r) / (1 + r);
    gain[i] = g * (1 - pole[i]);
    outSign[i] = rng.next() < 0.5 ? -1 : 1;
  }
  for (let i = 0; i < FDN_LINES; i++) inSign[i] = outSign[(i + 3) % FDN_LINES];
  const lines = new Float32Array(total);
  const out = new Float32Array(input.length);
  const taps = new Float64Array(FDN_LINES);
  const norm = 1 / Math.sqrt(FDN_LINES);
  for (let n = 0; n < input.length; n++) {
    let y = 0;
    for (let i = 0; i < FDN_LINES; i++) {
      const s = gain[i] * lines[offset[i] + at[i]] + pole[i] * state[i];
      state[i] = s;
      taps[i] = s;
      y += s * outSign[i];
    }
    out[n] = y * norm;
    // Walsh–Hadamard transform of the 8 taps, unrolled (orthogonal after scaling by 1/√8).
    const a0 = taps[0] + taps[1], a1 = taps[0] - taps[1], a2 = taps[2] + taps[3], a3 = taps[2] - taps[3];
    const a4 = taps[4] + taps[5], a5 = taps[4] - taps[5], a6 = taps[6] + taps[7], a7 = taps[6] - taps[7];
    const b0 = a0 + a2, b1 = a1 + a3, b2 = a0 - a2, b3 = a1 - a3, b4 = a4 + a6, b5 = a5 + a7, b6 = a4 - a6, b7 = a5 - a7;
    taps[0] = b0 + b4; taps[1] = b1 + b5; taps[2] = b2 + b6; taps[3] = b3 + b7;
    taps[4] = b0 - b4; taps[5] = b1 - b5; taps[6] = b2 - b6; taps[7] = b3 - b7;
    const x = input[n];
    for (let i = 0; i < FDN_LINES; i++) {
      lines[offset[i] + at[i]] = taps[i] * norm + x * inSign[i];
      at[i] = at[i] + 1 === delay[i] ? 0 : at[i] + 1;
    }
  }
  return out;
}

const FDN_LINES = 8;

/** Room ranges shared by the confusers: default and holdout, like the glass break's own. */
export const CONFUSER_ROOM_RANGES: Record<ParamSet, { distanceM: Range; rt60S: Range; roomVolumeM3: Range }> = {
  default: { distanceM: range(0.5, 6), rt60S: range(0.4, 1.1), roomVolumeM3: range(80, 600) },
  holdout: { distanceM: range(0.4, 8), rt60S: range(1.1, 1.8), roomVolumeM3: range(600, 2500) },
};

export function drawRoom(rng: Rng, set: ParamSet): RoomParams {
  const r = CONFUSER_ROOM_RANGES[set];
  return { distanceM: drawLog(rng, r.distanceM), rt60S: drawIn(rng, r.rt60S), roomVolumeM3: drawLog(rng, r.roomVolumeM3) };
}
