/**
 * The signal library as the simulator's sources use it (a GeneratorRegistry): a generator for every
 * event kind of the scenario catalogue, for every sensor that hears it, and the ambient.
 * SIGNAL_LIBRARY_MODULE tells a rendering worker where to import it from.
 */
import type { SensorKind } from '../../../firmware/ports';
import { EVENT_KINDS, EVENT_SPECS } from '../../scenario/catalogue';
import type { EventGenerator, GeneratorRegistry } from '../generators';
import type { RegistryModule } from '../off-thread';
import { MICROPHONE_AMBIENT, MICROPHONE_EVENTS } from './acoustic';
import { ACCELEROMETER_AMBIENT, ACCELEROMETER_EVENTS } from './motion';

const BY_SENSOR = { microphone: MICROPHONE_EVENTS, accelerometer: ACCELEROMETER_EVENTS } as const;
const AMBIENT_BY_SENSOR = { microphone: MICROPHONE_AMBIENT, accelerometer: ACCELEROMETER_AMBIENT } as const;

function events(): GeneratorRegistry['events'] {
  const out: Record<string, Partial<Record<SensorKind, EventGenerator>>> = {};
  for (const kind of EVENT_KINDS) {
    const generators: Partial<Record<SensorKind, EventGenerator>> = {};
    for (const sensor of EVENT_SPECS[kind].heardBy) {
      const generator = BY_SENSOR[sensor][kind];
      if (generator !== undefined) generators[sensor] = generator;
    }
    out[kind] = generators;
  }
  return out;
}

export const SIGNAL_LIBRARY: GeneratorRegistry = {
  events: events(),
  ambient: {
    render: (request) => AMBIENT_BY_SENSOR[request.sensor].render(request),
    floorRms: (ambient, sensor, node) => AMBIENT_BY_SENSOR[sensor].floorRms(ambient, sensor, node),
    // The acoustic ambient holds the microphone's self-noise; the accelerometer's noise is the source's.
    includesPartNoise: (sensor) => sensor === 'microphone',
  },
};

export const SIGNAL_LIBRARY_MODULE: RegistryModule = { url: import.meta.url, name: 'SIGNAL_LIBRARY' };
