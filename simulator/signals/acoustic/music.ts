/**
 * Music from a loudspeaker or a performer: instruments with harmonic partials (piano, strings), a band
 * with a drum kit (kick, snare, hi-hat, crash) and bass, and in the holdout a glockenspiel (metal
 * bars, bright and tonal) and a drum fill ending on a crash.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { type ParamSet, checkIn, range } from './ranges';
import { type RoomParams, drawRoom, propagate } from './room';
import { MIC_RATE_HZ, addInto, addMode, noiseBurst, samplesOf } from './synth';
import { cymbalDry } from './metal';

export type MusicKind = 'piano' | 'strings' | 'band' | 'glockenspiel' | 'drum_fill';
export const MUSIC_KINDS: Record<ParamSet, readonly MusicKind[]> = {
  default: ['piano', 'strings', 'band'],
  holdout: ['glockenspiel', 'drum_fill', 'band'],
};

export interface MusicParams {
  kind: MusicKind;
  durationS: number;
  tempoBpm: number;
  room: RoomParams;
}

export function drawMusicParams(rng: Rng, set: ParamSet): MusicParams {
  return { kind: rng.pick(MUSIC_KINDS[set]), durationS: rng.uniform(2.5, 5), tempoBpm: rng.uniform(70, 160), room: drawRoom(rng, set) };
}

const MAX_PARTIAL_HZ = 7800;

export function music(rng: Rng, p: MusicParams): Signal {
  checkIn('music.durationS', p.durationS, range(0.5, 60));
  checkIn('music.tempoBpm', p.tempoBpm, range(30, 250));
  const dry = new Float32Array(samplesOf(p.durationS));
  const beatS = 60 / p.tempoBpm;
  switch (p.kind) {
    case 'piano':
      for (let t = 0; t < p.durationS - 0.2; t += (beatS / 2) * rng.int(1, 2)) {
        const notes = rng.int(1, 3);
        for (let n = 0; n < notes; n++) pianoNote(rng, dry, t, 110 * 2 ** (rng.int(0, 36) / 12), Math.exp(0.3 * rng.normal()));
      }
      break;
    case 'strings':
      for (let t = 0; t < p.durationS - 0.3; t += beatS * rng.int(2, 4)) {
        const noteS = Math.min(p.durationS - t, beatS * 4);
        for (let n = 0; n < 3; n++) bowedNote(rng, dry, t, noteS, 196 * 2 ** (rng.int(0, 24) / 12));
      }
      break;
    case 'band':
      band(rng, dry, beatS);
      break;
    case 'glockenspiel':
      for (let t = 0; t < p.durationS - 0.2; t += (beatS / 2) * rng.int(1, 2)) {
        const f0 = 784 * 2 ** (rng.int(0, 24) / 12);
        const force = Math.exp(0.3 * rng.normal());
        for (const [ratio, gain] of [[1, 1], [2.76, 0.3], [5.4, 0.12]]) {
          if (f0 * ratio < MAX_PARTIAL_HZ) addMode(dry, samplesOf(t), f0 * ratio, force * gain * 0.3, rng.uniform(0.4, 1.2) / ratio, rng.uniform(0, 2 * Math.PI));
        }
        addInto(dry, noiseBurst(rng, 0.003, 0.0002, 0.0006, [{ kind: 'highpass', freqHz: 2000, q: 0.7 }]), samplesOf(t), force * 0.05);
      }
      break;
    case 'drum_fill': {
      // A bar of sixteenth notes on snare and toms, then a crash with a kick.
      const sixteenthS = beatS / 4;
      let t = 0;
      for (let i = 0; i < 16 && t < p.durationS - 1; i++, t += sixteenthS) {
        if (rng.next() < 0.6) snare(rng, dry, t, Math.exp(0.2 * rng.normal()) * 0.8);
        else addMode(dry, samplesOf(t), rng.uniform(80, 220), 0.5, 0.15, 0);
      }
      kick(rng, dry, t);
      addInto(dry, cymbalDry(rng, { strikes: 1, strikeRateHz: 1, decayS: rng.uniform(0.8, 2), brightnessHz: rng.uniform(3000, 6000) }), samplesOf(t), 1);
      break;
    }
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

function harmonicTone(out: Float32Array, atS: number, f0Hz: number, amplitude: number, decayS: number, rng: Rng, inharmonicity = 0): void {
  for (let n = 1; n <= 16; n++) {
    const f = n * f0Hz * Math.sqrt(1 + inharmonicity * n * n);
    if (f >= MAX_PARTIAL_HZ) break;
    addMode(out, samplesOf(atS), f, amplitude / n ** 1.2, decayS / Math.sqrt(n), rng.uniform(0, 2 * Math.PI));
  }
}

function pianoNote(rng: Rng, out: Float32Array, atS: number, f0Hz: number, force: number): void {
  harmonicTone(out, atS, f0Hz, force * 0.3, rng.uniform(0.4, 1.5), rng, 1e-4);
  addInto(out, noiseBurst(rng, 0.01, 0.0005, 0.002, [{ kind: 'lowpass', freqHz: 2000, q: 0.7 }]), samplesOf(atS), force * 0.05);
}

/** A bowed note: harmonic partials with vibrato and a slow attack, plus bow noise. */
function bowedNote(rng: Rng, out: Float32Array, atS: number, lengthS: number, f0Hz: number): void {
  const start = samplesOf(atS);
  const n = Math.min(out.length - start, samplesOf(lengthS));
  const vibratoHz = rng.uniform(4.5, 6.5);
  const phases = new Float64Array(16);
  for (let i = 0; i < n; i++) {
    const env = Math.min(1, i / samplesOf(0.12), (n - i) / samplesOf(0.1));
    const f = f0Hz * (1 + 0.006 * Math.sin((2 * Math.PI * vibratoHz * i) / MIC_RATE_HZ));
    let v = 0;
    for (let h = 1; h <= 16 && h * f0Hz < MAX_PARTIAL_HZ; h++) {
      phases[h - 1] += (2 * Math.PI * h * f) / MIC_RATE_HZ;
      v += Math.sin(phases[h - 1]) / h;
    }
    out[start + i] += 0.08 * env * v;
  }
  addInto(out, noiseBurst(rng, lengthS, 0.1, lengthS, [{ kind: 'bandpass', freqHz: 3000, q: 0.7 }]), start, 0.005);
}

function kick(rng: Rng, out: Float32Array, atS: number): void {
  const start = samplesOf(atS);
  let phase = 0;
  for (let i = 0; i < samplesOf(0.3) && start + i < out.length; i++) {
    const f = 50 + 90 * Math.exp(-i / samplesOf(0.03));
    phase += (2 * Math.PI * f) / MIC_RATE_HZ;
    out[start + i] += Math.sin(phase) * Math.exp(-i / samplesOf(0.12));
  }
  addInto(out, noiseBurst(rng, 0.005, 0.0002, 0.001, [{ kind: 'bandpass', freqHz: 3000, q: 0.8 }]), start, 0.2);
}

function snare(rng: Rng, out: Float32Array, atS: number, force: number): void {
  const start = samplesOf(atS);
  addMode(out, start, rng.uniform(170, 230), 0.5 * force, 0.05, 0);
  // Snare wires: broadband noise with much of its energy in 2–8 kHz.
  addInto(out, noiseBurst(rng, 0.25, 0.001, rng.uniform(0.06, 0.12), [{ kind: 'highpass', freqHz: 1200, q: 0.7 }]), start, 0.35 * force);
}

function hihat(rng: Rng, out: Float32Array, atS: number, force: number): void {
  const burst = noiseBurst(rng, 0.08, 0.0005, rng.uniform(0.015, 0.04), [{ kind: 'highpass', freqHz: 6000, q: 0.7 }]);
  addInto(out, burst, samplesOf(atS), 0.25 * force);
}

/** Four-beat bars: kick on 1 and 3, snare on 2 and 4, hi-hat on eighths, crash on bar starts, bass and chords. */
function band(rng: Rng, out: Float32Array, beatS: number): void {
  const durationS = out.length / MIC_RATE_HZ;
  const bars = Math.ceil(durationS / (4 * beatS));
  for (let bar = 0; bar < bars; bar++) {
    const barS = bar * 4 * beatS;
    if (rng.next() < 0.7) {
      addInto(out, cymbalDry(rng, { strikes: 1, strikeRateHz: 1, decayS: rng.uniform(0.8, 2), brightnessHz: rng.uniform(3000, 6000) }), samplesOf(barS), 0.6);
    }
    const root = 41.2 * 2 ** (rng.int(0, 12) / 12);
    for (let chord = 0; chord < 3; chord++) harmonicTone(out, barS, root * 4 * [1, 1.26, 1.5][chord], 0.08, 1.5, rng);
    for (let beat = 0; beat < 4; beat++) {
      const t = barS + beat * beatS;
      if (t >= durationS) break;
      if (beat % 2 === 0) kick(rng, out, t);
      else snare(rng, out, t, 1);
      harmonicTone(out, t, root * (beat === 3 ? 1.5 : 1), 0.3, 0.3, rng);
      hihat(rng, out, t, 1);
      hihat(rng, out, t + beatS / 2, 0.7);
    }
  }
}
