/**
 * What `npm start`, the latency bench and the integration tests run: the nodes' real firmware (every
 * detector, the per-role defaults, the role pipeline factory) on the simulated sensors, fed by the
 * signal library.
 */
import { readFileSync } from 'node:fs';
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../firmware/node/detector-registry';
import { rolePipelineFactory } from '../../firmware/node/pipeline-factory';
import { ACCELEROMETER } from '../sources/sensors';
import type { Firmware } from './firmware';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const SIMULATOR_FIRMWARE: Firmware = {
  version: `${version}-sim`,
  detectorSpecs: DETECTOR_SPECS,
  detectorDefaults: ROLE_DETECTOR_DEFAULTS,
  createPipelines: rolePipelineFactory({ accelerometerRateHz: ACCELEROMETER.rateHz, hasMicrophone: true, hasAccelerometer: true }),
};

export { SIGNAL_LIBRARY, SIGNAL_LIBRARY_MODULE } from '../sources/library/index';
