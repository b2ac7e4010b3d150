import assert from 'node:assert/strict';
import FFT from 'fft.js';
import { Rng } from '../../../simulator/signals/rng';
import { type Signal, rms } from '../../../simulator/signals/signal';
import { GLASS_TYPES, drawGlassBreakParams, drawPaneKnockParams, glassBreak, paneKnocks } from '../../../simulator/signals/acoustic/glass-break';
import { bell, cymbal, drawBellParams, drawCymbalParams, drawKeysParams, keys } from '../../../simulator/signals/acoustic/metal';
import { clap, doorSlam, drawClapParams, drawDoorSlamParams, drawDroppedObjectParams, droppedObject } from '../../../simulator/signals/acoustic/impacts';
import { drawSpeechParams, speech } from '../../../simulator/signals/acoustic/voice';
import { drawHvacStartParams, hvacStart } from '../../../simulator/signals/acoustic/hvac';
import { AMBIENT_FLOOR_DBFS, AMBIENT_PROFILES, ambient, drawAmbientParams } from '../../../simulator/signals/acoustic/ambient';
import { activeSpanS, MIC_SELF_NOISE_DBFS } from '../../../simulator/signals/acoustic/level';
import { criticalDistanceM, rt60At8kS } from '../../../simulator/signals/acoustic/room';
import { CONFUSER_CLASSES, CONFUSERS } from '../../../simulator/signals/corpus-acoustic';

const RATE = 16000;

/** Energy in [lowHz, highHz) over samples [fromS, toS), summed over 512-point Hann frames. */
function bandEnergy(signal: Signal, lowHz: number, highHz: number, fromS = 0, toS = signal.data.length / RATE): number {
  const n = 512;
  const fft = new FFT(n);
  const out = fft.createComplexArray() as number[];
  const frame = new Array<number>(n).fill(0);
  let sum = 0;
  for (let start = Math.round(fromS * RATE); start + n <= Math.min(signal.data.length, Math.round(toS * RATE)); start += n) {
    for (let i = 0; i < n; i++) frame[i] = signal.data[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    fft.realTransform(out, frame);
    for (let k = 1; k < n / 2; k++) {
      const hz = (k * RATE) / n;
      if (hz >= lowHz && hz < highHz) sum += out[2 * k] ** 2 + out[2 * k + 1] ** 2;
    }
  }
  return sum;
}

const db = (x: number): number => 10 * Math.log10(x);

describe('acoustic signal library', function () {
  this.timeout(30_000);

  describe('glass break', function () {
    for (const glass of GLASS_TYPES) {
      it(`${glass}: impact at 0 s, 3–8 kHz shatter that outlasts a low-frequency part under 0.2 s`, function () {
        const rng = new Rng(7);
        const p = { ...drawGlassBreakParams(rng, 'default', glass), room: { distanceM: 0.5, rt60S: 0.3, roomVolumeM3: 60 } };
        const s = glassBreak(rng, p);
        assert.equal(s.rateHz, RATE);
        assert.equal(s.channels, 1);
        const span = activeSpanS(s.data, 40);
        assert.ok(span.startS < 0.01, `onset at ${span.startS} s`);
        assert.ok(span.endS >= p.shatterS * 0.8 && span.endS <= p.shatterS + 1.5, `active until ${span.endS} s for a ${p.shatterS} s shatter`);
        // Low frequencies belong to the impact: after 0.2 s the band below 1 kHz has fallen ≥ 15 dB from its first 0.1 s.
        assert.ok(db(bandEnergy(s, 60, 1000, 0.2, 0.3)) < db(bandEnergy(s, 60, 1000, 0, 0.1)) - 15, 'low band decays within 0.2 s');
        // The shatter is high-frequency: after the impact, 3–8 kHz carries more than everything below 1 kHz.
        assert.ok(bandEnergy(s, 3000, 8000, 0.1, p.shatterS) > 2 * bandEnergy(s, 60, 1000, 0.1, p.shatterS), '3–8 kHz dominates the shatter');
      });
    }

    it('ends with falling fragments tinkling near 6.5 kHz', function () {
      const rng = new Rng(9);
      const p = { ...drawGlassBreakParams(rng, 'default', 'float'), shatterS: 0.3, fallHeightM: 1.2, room: { distanceM: 0.5, rt60S: 0.3, roomVolumeM3: 60 } };
      const s = glassBreak(rng, p);
      const fallS = Math.sqrt((2 * p.fallHeightM) / 9.81);
      // After the shards stop, the landing fragments put more energy at 6–7 kHz than at 4–5 kHz.
      assert.ok(bandEnergy(s, 6000, 7000, p.shatterS + 0.02, p.shatterS + fallS) > bandEnergy(s, 4000, 5000, p.shatterS + 0.02, p.shatterS + fallS));
    });

    it('is reproducible from the seed and varies with it', function () {
      const make = (seed: number): Float32Array => {
        const rng = new Rng(seed);
        return glassBreak(rng, drawGlassBreakParams(rng, 'default', 'float')).data;
      };
      assert.deepEqual(make(3), make(3));
      assert.notDeepEqual(make(3).slice(0, 2000), make(4).slice(0, 2000));
    });

    it('takes holdout parameters from ranges the defaults do not cover', function () {
      const rng = new Rng(5);
      const rooms = Array.from({ length: 40 }, () => drawGlassBreakParams(rng, 'holdout').room);
      assert.ok(rooms.every((r) => r.rt60S >= 1.1), 'holdout rooms are more reverberant than every default room');
      assert.ok(rooms.some((r) => r.distanceM > 5), 'holdout includes distances beyond the default 5 m');
    });

    it('rejects parameters outside their limits, naming them', function () {
      const rng = new Rng(1);
      const p = drawGlassBreakParams(rng, 'default', 'tempered');
      assert.throws(() => glassBreak(rng, { ...p, shatterS: 3 }), /glassBreak\.shatterS: 3 is outside/);
      assert.throws(() => glassBreak(rng, { ...p, room: { ...p.room, distanceM: -1 } }), /glassBreak\.room\.distanceM/);
      assert.throws(() => glassBreak(rng, { ...p, glass: 'acrylic' as never }), /glassBreak\.glass: unknown glass type 'acrylic'/);
    });
  });

  describe('room', function () {
    it('derives the critical distance and a shorter reverberation at 8 kHz from Sabine with air absorption', function () {
      const room = { distanceM: 3, rt60S: 1, roomVolumeM3: 500 };
      assert.ok(Math.abs(criticalDistanceM(room) - 0.057 * Math.sqrt(500)) < 1e-12);
      const hf = rt60At8kS(room);
      assert.ok(hf < 1 && hf > 0.5, `RT60 at 8 kHz ${hf} s`);
    });
  });

  describe('confusers', function () {
    it('a crash cymbal has strong 3–8 kHz content and rings on for over a second', function () {
      const rng = new Rng(2);
      const p = { ...drawCymbalParams(rng, 'default'), kind: 'crash' as const, strikes: 1 };
      const s = cymbal(rng, p);
      const all = bandEnergy(s, 60, 8000);
      assert.ok(bandEnergy(s, 3000, 8000) / all > 0.3, '≥ 30 % of the energy at 3–8 kHz');
      assert.ok(activeSpanS(s.data, 30).endS > 1, 'decays over more than a second');
    });

    it('a bell concentrates its energy in a few partials', function () {
      const rng = new Rng(3);
      const s = bell(rng, { ...drawBellParams(rng, 'default'), kind: 'handbell', fundamentalHz: 800, strikes: 1 });
      const partials = [1, 2, 3, 4.16, 5.43, 6.8].map((r) => bandEnergy(s, 800 * r - 60, 800 * r + 60)).reduce((a, b) => a + b, 0);
      assert.ok(partials / bandEnergy(s, 60, 8000) > 0.8, 'partials carry > 80 % of the energy');
    });

    it('a single clap is one short transient', function () {
      const rng = new Rng(4);
      const s = clap(rng, { ...drawClapParams(rng, 'default'), kind: 'single', claps: 1, room: { distanceM: 1, rt60S: 0.4, roomVolumeM3: 100 } });
      const span = activeSpanS(s.data, 20);
      assert.ok(span.endS - span.startS < 0.15, `active for ${span.endS - span.startS} s`);
    });

    it('keys jingle with small transients at the keys\' fixed mode frequencies', function () {
      const kinds = new Set<string>();
      for (const seed of [6, 7, 8, 9]) {
        const rng = new Rng(seed);
        const p = { ...drawKeysParams(rng, 'default'), durationS: 1.5 };
        kinds.add(p.kind);
        const s = keys(rng, p);
        assert.ok(activeSpanS(s.data, 30).endS >= 1.2, `${p.kind} ${seed}: lasts as long as the shaking`);
        assert.ok(bandEnergy(s, 1500, 8000) > 2 * bandEnergy(s, 60, 1500), `${p.kind} ${seed}: small metal parts ring above 1.5 kHz`);
      }
      assert.deepEqual([...kinds].sort(), ['pocket', 'ring'], 'both default kinds drawn');
    });

    it('knocks on a whole pane: each a low thud at the pane\'s modes, gapS apart, no shatter after them', function () {
      const rng = new Rng(21);
      const params = { ...drawPaneKnockParams(rng, 'default'), knocks: 3, gapS: 0.3 };
      const s = paneKnocks(rng, params);
      const level = (fromS: number): number => db(bandEnergy(s, 50, 8000, fromS, fromS + 0.064) + 1e-30);
      for (let k = 0; k < 3; k++) assert.ok(level(k * 0.3) > level(k * 0.3 + 0.16) + 6, `knock ${k} stands above the gap after it`);
      // A blow that does not break the pane leaves no shatter: little 3–8 kHz energy against below 1 kHz.
      assert.ok(db(bandEnergy(s, 3000, 8000)) < db(bandEnergy(s, 50, 1000)) - 10);
      assert.throws(() => paneKnocks(rng, { ...params, knocks: 0 }), /paneKnocks.knocks: 0/);
      assert.throws(() => paneKnocks(rng, { ...params, gapS: 5 }), /paneKnocks.gapS/);
    });

    it('door slams and dropped objects are heavy in low frequencies', function () {
      for (const seed of [1, 2, 3]) {
        const rng = new Rng(seed);
        const door = doorSlam(rng, drawDoorSlamParams(rng, 'default'));
        assert.ok(bandEnergy(door, 30, 1000) > 4 * bandEnergy(door, 1000, 8000), `door slam ${seed}`);
        const drop = droppedObject(rng, { ...drawDroppedObjectParams(rng, 'default'), kind: 'book' });
        assert.ok(bandEnergy(drop, 30, 1000) > 4 * bandEnergy(drop, 1000, 8000), `dropped book ${seed}`);
      }
    });

    it('speech has its energy below 3 kHz, with syllables', function () {
      const rng = new Rng(8);
      const s = speech(rng, { ...drawSpeechParams(rng, 'default', 3), room: { distanceM: 1, rt60S: 0.4, roomVolumeM3: 100 } });
      assert.ok(bandEnergy(s, 60, 3000) > 3 * bandEnergy(s, 3000, 8000));
      // Syllables: the 50 ms envelope varies by more than 10 dB.
      const levels: number[] = [];
      for (let i = 0; i + 800 <= RATE * 2.5; i += 800) levels.push(db(rms({ rateHz: RATE, channels: 1, data: s.data.subarray(i, i + 800) }) ** 2 + 1e-20));
      assert.ok(Math.max(...levels) - Math.min(...levels) > 10);
    });

    it('an HVAC unit starting up grows louder as its fan spins up', function () {
      const rng = new Rng(9);
      const s = hvacStart(rng, { ...drawHvacStartParams(rng, 'default'), kind: 'fan', spinUpS: 1.5 });
      const level = (fromS: number): number => rms({ rateHz: RATE, channels: 1, data: s.data.subarray(fromS * RATE, (fromS + 0.3) * RATE) });
      assert.ok(level(1.6) > 2 * level(0.5), `${level(1.6)} vs ${level(0.5)}`);
    });

    it('every confuser class generates a signal for both parameter sets, reproducibly', function () {
      for (const name of CONFUSER_CLASSES) {
        for (const set of ['default', 'holdout'] as const) {
          const a = CONFUSERS[name].make(new Rng(10), set).signal;
          const b = CONFUSERS[name].make(new Rng(10), set).signal;
          assert.equal(a.rateHz, RATE, name);
          assert.ok(a.data.length > RATE * 0.2, `${name} (${set}) lasts`);
          assert.ok(rms(a) > 0, `${name} (${set}) is not silent`);
          assert.deepEqual(a.data, b.data, `${name} (${set}) reproducible`);
        }
      }
    });
  });

  describe('ambient', function () {
    for (const profile of AMBIENT_PROFILES) {
      it(`${profile}: RMS at the drawn floor level, within the profile's range`, function () {
        const rng = new Rng(12);
        const p = drawAmbientParams(rng, 'default', profile, 3);
        const range = AMBIENT_FLOOR_DBFS.default[profile];
        assert.ok(p.floorDbfs >= range.min && p.floorDbfs <= range.max);
        const s = ambient(rng, p);
        assert.equal(s.data.length, 3 * RATE);
        assert.ok(Math.abs(20 * Math.log10(rms(s)) - p.floorDbfs) < 0.5, `${20 * Math.log10(rms(s))} dBFS vs floor ${p.floorDbfs}`);
        assert.ok(p.floorDbfs > MIC_SELF_NOISE_DBFS, 'above the microphone self-noise');
      });
    }
  });
});
