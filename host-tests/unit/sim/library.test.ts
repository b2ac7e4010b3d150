import assert from 'node:assert/strict';
import { EVENT_KINDS, EVENT_SPECS } from '../../../simulator/scenario/catalogue';
import { parseScenario } from '../../../simulator/scenario/validate';
import type { Scenario } from '../../../simulator/scenario/types';
import { activeRms } from '../../../simulator/signals/acoustic/level';
import { Rng } from '../../../simulator/signals/rng';
import type { EventGenerator, EventRenderRequest, RenderedEvent } from '../../../simulator/sources/generators';
import { missingGenerators, nodeContext } from '../../../simulator/sources/generators';
import { SIGNAL_LIBRARY } from '../../../simulator/sources/library/index';
import { SensorSignal } from '../../../simulator/sources/sensor-signal';
import { MICROPHONE } from '../../../simulator/sources/sensors';
import { loadScenarioFile } from '../../../simulator/scenario/load';

function scenario(timeline: unknown[], ambient: unknown = { profile: 'quiet_gallery', crowd: 0 }): Scenario {
  return parseScenario({
    format: 'vitrine-scenario/1', name: 'library test', seed: 5, durationS: 30,
    site: { id: 'lab', name: 'Lab', plan: { rooms: [{ id: 'hall', name: 'Hall', floor: '0', rect: { x: 0, y: 0, widthM: 10, heightM: 10 } }] } },
    nodes: [{ id: 'pane', role: 'window', location: { building: 'L', floor: '0', room: 'Hall', element: 'pane', label: 'pane' }, position: { x: 1, y: 1 }, mounting: { surface: 'glass', orientation: 'vertical' } }],
    ambient, timeline,
  });
}

/** Renders event 0 of `s` for its node's `sensor` with the library, as a SensorSignal would ask. */
function render(s: Scenario, sensor: 'microphone' | 'accelerometer'): RenderedEvent {
  const generator = SIGNAL_LIBRARY.events[s.timeline[0].what]?.[sensor] as EventGenerator;
  const request: EventRenderRequest = {
    event: s.timeline[0], sensor, rateHz: sensor === 'microphone' ? 16000 : 1600, node: nodeContext(s, s.nodes[0]),
    gainDb: 0, distanceM: 0, floorRms: SIGNAL_LIBRARY.ambient.floorRms(s.ambient, sensor, nodeContext(s, s.nodes[0])), rng: new Rng(3), eventSeed: 9,
  };
  if (typeof generator === 'function') return generator(request);
  return { offsetS: 0, signal: generator.texture(request, 0, s.timeline[0].durationS) };
}

function vectorPeak(data: Float32Array): number {
  let peak = 0;
  for (let i = 0; i + 2 < data.length; i += 3) peak = Math.max(peak, Math.hypot(data[i], data[i + 1], data[i + 2]));
  return peak;
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('the signal library for the simulator', function () {
  this.timeout(20_000);

  it('renders every event kind for every sensor that hears it', function () {
    for (const kind of EVENT_KINDS) {
      for (const sensor of EVENT_SPECS[kind].heardBy) assert.ok(SIGNAL_LIBRARY.events[kind]?.[sensor] !== undefined, `${kind} on the ${sensor}`);
    }
    assert.deepEqual(missingGenerators(loadScenarioFile('louvre-apollo'), SIGNAL_LIBRARY), []);
    assert.deepEqual(missingGenerators(loadScenarioFile('smoke'), SIGNAL_LIBRARY), []);
  });

  it('puts a sound levelDb over the node\'s ambient floor, which the ambient has', function () {
    const s = scenario([{ at: 2, what: 'glass_break', where: { node: 'pane' }, params: { glass: 'tempered', levelDb: 20 } }], { profile: 'quiet_gallery', crowd: 0.3 });
    const floor = SIGNAL_LIBRARY.ambient.floorRms(s.ambient, 'microphone', nodeContext(s, s.nodes[0]));
    // Ventilation at −60 dBFS, visitors 12 + 20·log10(0.3) dB over it, the microphone's self-noise at −87 dBFS, in power.
    const peopleDbfs = -60 + 12 + 20 * Math.log10(0.3);
    const expectedDbfs = 10 * Math.log10(10 ** (-60 / 10) + 10 ** (peopleDbfs / 10) + 10 ** (-87 / 10));
    assert.ok(Math.abs(db(floor) - expectedDbfs) < 0.01, `floor ${db(floor).toFixed(2)} dBFS, expected ${expectedDbfs.toFixed(2)}`);
    const glass = render(s, 'microphone').signal.data;
    assert.ok(Math.abs(db(activeRms(glass) / floor) - 20) < 0.01, `${db(activeRms(glass) / floor).toFixed(2)} dB over the floor`);
    const mic = new SensorSignal({ scenario: s, node: s.nodes[0], model: MICROPHONE, registry: SIGNAL_LIBRARY });
    const counts = new Int16Array(16000);
    mic.read(0, 16000, counts);
    let sum = 0;
    for (const v of counts) sum += (v / 32768) ** 2;
    const heard = Math.sqrt(sum / counts.length);
    assert.ok(Math.abs(db(heard / floor)) < 1.5, `ambient heard at ${db(heard / floor).toFixed(2)} dB from its floor`);
  });

  it('gives blows their peak, a grinder its amplitude, a lean its angle (and takes it back)', function () {
    const blows = render(scenario([{ at: 1, what: 'impact', where: { node: 'pane' }, params: { blows: 2, intervalS: 0.5, peakG: 4 } }]), 'accelerometer').signal;
    assert.ok(Math.abs(vectorPeak(blows.data) - 4) < 0.2, `blow peak ${vectorPeak(blows.data)} g`);

    const cut = render(scenario([{ at: 1, what: 'grinder', where: { node: 'pane' }, durationS: 3, params: { peakG: 0.5, cutS: 3, pauseS: 0 } }]), 'accelerometer').signal;
    let sum = 0;
    for (let i = 0.5 * 1600 * 3; i < 2.5 * 1600 * 3; i++) sum += cut.data[i] ** 2;
    const rmsG = Math.sqrt(sum / (2 * 1600));
    assert.ok(Math.abs(db(rmsG / (0.5 / Math.SQRT2))) < 2, `grinder RMS ${rmsG.toFixed(3)} g while cutting`);

    const lean = render(scenario([{ at: 1, what: 'tilt', where: { node: 'pane' }, durationS: 4, params: { angleDeg: 2, rampS: 0.5 } }]), 'accelerometer').signal;
    const angleAt = (s: number): number => {
      let x = 0, y = 0, z = 0;
      for (let f = Math.round(s * 1600); f < Math.round((s + 0.5) * 1600); f++) {
        x += lean.data[f * 3]; y += lean.data[f * 3 + 1]; z += lean.data[f * 3 + 2] + 1;
      }
      return (Math.atan2(Math.hypot(x, y), z) * 180) / Math.PI;
    };
    assert.ok(Math.abs(angleAt(2) - 2) < 0.1, `leaning ${angleAt(2).toFixed(3)}°`);
    assert.ok(angleAt(4.8) < 0.05, `released ${angleAt(4.8).toFixed(3)}°`);
  });

  it('renders steady sounds piece by piece at their level', function () {
    const s = scenario([{ at: 1, what: 'visitors', where: { node: 'pane' }, durationS: 10, params: { count: 12, levelDb: 15 } }]);
    const floor = SIGNAL_LIBRARY.ambient.floorRms(s.ambient, 'microphone', nodeContext(s, s.nodes[0]));
    const crowd = SIGNAL_LIBRARY.events.visitors?.microphone as Exclude<EventGenerator, (r: EventRenderRequest) => RenderedEvent>;
    const request: EventRenderRequest = {
      event: s.timeline[0], sensor: 'microphone', rateHz: 16000, node: nodeContext(s, s.nodes[0]), gainDb: -6, distanceM: 2, floorRms: floor, rng: new Rng(1), eventSeed: 2,
    };
    const piece = crowd.texture(request, 3, 1.05);
    assert.equal(piece.data.length, 16800);
    assert.ok(Math.abs(db(activeRms(piece.data) / floor) - 9) < 0.01, 'levelDb less the distance loss');
  });
});
