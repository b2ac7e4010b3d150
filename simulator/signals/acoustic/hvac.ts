/**
 * Heating, ventilation and air conditioning: broadband airflow noise falling with frequency, the fan's
 * blade-pass tone and its harmonics, motor hum at twice the mains frequency, and diffuser hiss.
 * `hvac` is the steady sound (ambient); `hvacStart` a unit switching on (a confuser event).
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { type ParamSet, checkIn, drawIn, range } from './ranges';
import { type RoomParams, drawRoom, propagate } from './room';
import { MIC_RATE_HZ, addInto, addMode, biquad, noiseBurst, pinkNoise, samplesOf, whiteNoise } from './synth';

export interface HvacParams {
  durationS: number;
  /** Blade-pass frequency of the fan (blades × rev/s). */
  bladePassHz: number;
  /** Mains frequency: motor and transformer hum sit at twice it. */
  mainsHz: 50 | 60;
  /** Tone levels relative to the broadband noise, dB. */
  toneDb: number;
  /** Diffuser hiss (broadband above 2 kHz) relative to the rumble, dB. */
  hissDb: number;
}

export function drawHvacParams(rng: Rng, set: ParamSet, durationS: number): HvacParams {
  return {
    durationS,
    bladePassHz: set === 'default' ? rng.uniform(60, 250) : rng.uniform(250, 600),
    mainsHz: rng.next() < 0.5 ? 50 : 60,
    toneDb: set === 'default' ? rng.uniform(-12, 0) : rng.uniform(-6, 6),
    hissDb: set === 'default' ? rng.uniform(-30, -18) : rng.uniform(-22, -12),
  };
}

/** Steady HVAC sound, dry (unit-less level); `spinUp` (0..1 per sample) scales speed and level if given. */
export function hvac(rng: Rng, p: HvacParams, spinUp?: Float32Array): Float32Array {
  checkIn('hvac.durationS', p.durationS, range(0.1, 600));
  checkIn('hvac.bladePassHz', p.bladePassHz, range(10, 2000));
  checkIn('hvac.toneDb', p.toneDb, range(-40, 20));
  checkIn('hvac.hissDb', p.hissDb, range(-60, 0));
  const n = samplesOf(p.durationS);
  // Airflow rumble: pink noise low-passed (duct and plenum noise falls off above a few hundred Hz).
  const rumble = pinkNoise(rng, n);
  biquad(rumble, { kind: 'lowpass', freqHz: 400, q: 0.7 });
  const hiss = whiteNoise(rng, n);
  biquad(hiss, { kind: 'highpass', freqHz: 2000, q: 0.7 });
  const out = new Float32Array(n);
  const hissGain = 10 ** (p.hissDb / 20) * 3;
  const toneGain = 10 ** (p.toneDb / 20) * 0.3;
  const tones = [
    [p.bladePassHz, 1], [2 * p.bladePassHz, 0.4], [3 * p.bladePassHz, 0.2],
    [2 * p.mainsHz, 0.5], [4 * p.mainsHz, 0.2],
  ];
  // Tones as rotating phasors; the fan's rotation step follows its speed, updated every 64 samples.
  const re = new Float64Array(tones.length).fill(1);
  const im = new Float64Array(tones.length);
  const stepRe = new Float64Array(tones.length);
  const stepIm = new Float64Array(tones.length);
  for (let i = 0; i < n; i++) {
    const speed = spinUp === undefined ? 1 : spinUp[i];
    if ((i & 63) === 0) {
      for (let k = 0; k < tones.length; k++) {
        const w = (2 * Math.PI * (k < 3 ? tones[k][0] * speed : tones[k][0])) / MIC_RATE_HZ;
        stepRe[k] = Math.cos(w);
        stepIm[k] = Math.sin(w);
        // Renormalise so rounding never makes a tone grow or fade.
        const m = Math.hypot(re[k], im[k]);
        re[k] /= m;
        im[k] /= m;
      }
    }
    let tone = 0;
    for (let k = 0; k < tones.length; k++) {
      const r = re[k] * stepRe[k] - im[k] * stepIm[k];
      im[k] = re[k] * stepIm[k] + im[k] * stepRe[k];
      re[k] = r;
      tone += tones[k][1] * im[k];
    }
    out[i] = speed * speed * (rumble[i] + hiss[i] * hissGain + tone * toneGain);
  }
  return out;
}

/** A unit switching on: a contactor clunk, then the fan spinning up and the airflow growing. */
export type HvacStartKind = 'fan' | 'compressor' | 'damper';
export const HVAC_START_KINDS: Record<ParamSet, readonly HvacStartKind[]> = { default: ['fan', 'compressor'], holdout: ['damper', 'fan'] };

export interface HvacStartParams {
  kind: HvacStartKind;
  spinUpS: number;
  hvac: HvacParams;
  room: RoomParams;
}

export function drawHvacStartParams(rng: Rng, set: ParamSet): HvacStartParams {
  const durationS = rng.uniform(2, 4);
  return { kind: rng.pick(HVAC_START_KINDS[set]), spinUpS: drawIn(rng, range(0.5, 2)), hvac: drawHvacParams(rng, set, durationS), room: drawRoom(rng, set) };
}

export function hvacStart(rng: Rng, p: HvacStartParams): Signal {
  checkIn('hvacStart.spinUpS', p.spinUpS, range(0.05, 10));
  const n = samplesOf(p.hvac.durationS);
  const speed = new Float32Array(n);
  for (let i = 0; i < n; i++) speed[i] = Math.min(1, i / samplesOf(p.spinUpS));
  const dry = hvac(rng, p.hvac, speed);
  // Contactor or damper actuator: a clunk with a short metallic rattle.
  addInto(dry, noiseBurst(rng, 0.02, 0.0003, 0.003, [{ kind: 'bandpass', freqHz: rng.uniform(800, 2500), q: 1 }]), 0, 1.5);
  if (p.kind === 'compressor') addMode(dry, 0, rng.uniform(40, 90), 3, 0.15);
  if (p.kind === 'damper') {
    for (let r = 0; r < 4; r++) addMode(dry, samplesOf(rng.uniform(0, 0.4)), rng.uniform(600, 3000), 0.4, 0.02);
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}
