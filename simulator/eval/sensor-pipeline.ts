/**
 * One sensor's pipeline built the way a node builds it: the node configuration of a role (the role's
 * defaults from the detector registry, or a validated configuration), handed to `rolePipelineFactory`.
 * The evaluation and the classify command both run detectors through this, so what they measure is
 * what a node with that configuration would do. Also how each sensor delivers its blocks.
 */
import type { NodeRole } from '../../firmware/detect/types';
import type { ConfigContext, DetectorKey, MountSurface, NodeConfig, NodeProvisioning } from '../../firmware/node/config';
import { defaultConfig, glassFlexDecides } from '../../firmware/node/config';
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../firmware/node/detector-registry';
import type { FlexListener, Pipeline } from '../../firmware/node/pipeline';
import { rolePipelineFactory } from '../../firmware/node/pipeline-factory';
import type { SensorChannel } from '../signals/corpus';

export const SENSOR_CHANNELS: readonly SensorChannel[] = ['acoustic', 'vibration', 'tilt'];

/**
 * The role whose default configuration each sensor is evaluated and classified with: window for the
 * microphone and the vibration detectors (their spec defaults, which they were tuned with), balcony for
 * tilt (the only role that runs it).
 */
export const DEFAULT_ROLES: Readonly<Record<SensorChannel, NodeRole>> = { acoustic: 'window', vibration: 'window', tilt: 'balcony' };

/** The detectors each pipeline runs (in the configuration's `detectors`). */
export const SENSOR_DETECTORS: Readonly<Record<SensorChannel, readonly DetectorKey[]>> = {
  acoustic: ['glassBreak'], vibration: ['grinder', 'impact'], tilt: ['tilt'],
};

/** Nominal rates the pipelines run at: the microphone at 16 kHz, the vibration pipeline at 1600 Hz. */
export { GLASS_BREAK_RATE_HZ as MIC_RATE_HZ } from '../../firmware/detect/glass-break';
export { VIBRATION_RATE_HZ } from '../../firmware/node/pipeline-vibration';

/** Microphone blocks as an I2S driver delivers them: 256 frames (16 ms) of 16-bit counts. */
export const MIC_BLOCK_FRAMES = 256;
export const MIC_UNITS_PER_COUNT = 1 / 32768;

/** Accelerometer blocks: a FIFO read of 32 frames at kHz rates, 100 ms of frames at 100 Hz or less. */
export function accelerometerBlockFrames(rateHz: number): number {
  return rateHz <= 100 ? Math.max(1, Math.round(rateHz / 10)) : 32;
}

/** A provisioning with a neutral identity, for a node that exists only in the evaluation. */
export function standInProvisioning(role: NodeRole): NodeProvisioning {
  return { site: 'eval', node: 'eval', role, location: { building: '', floor: '', room: '', element: '', label: 'evaluation' } };
}

export function configContext(provisioning: NodeProvisioning): ConfigContext {
  return { provisioning, specs: DETECTOR_SPECS, detectorDefaults: ROLE_DETECTOR_DEFAULTS };
}

/** Whether the configuration's glass-break detector runs and alarms only on the pane's flex (dual technology). */
export function flexRequired(config: NodeConfig): boolean {
  const glass = config.detectors.glassBreak;
  return glass.enabled && glass.requireFlex === true;
}

/**
 * Whether the pane's flex, or its absence, changes what the glass-break detector decides beyond a bonus: the
 * flex required, or the sound alone held to a stricter score than minScore (a display case on its glass).
 */
export function flexDecides(config: NodeConfig): boolean {
  const glass = config.detectors.glassBreak;
  return glass.enabled && glassFlexDecides(glass);
}

/** The configuration a node of this role runs with when nobody has changed anything (installed on `surface`, if given, instead of the role's). */
export function roleConfig(role: NodeRole, surface?: MountSurface): NodeConfig {
  const provisioning = standInProvisioning(role);
  return defaultConfig(configContext(surface === undefined ? provisioning : { ...provisioning, mounting: { surface } }));
}

/** Whether a node with `config` runs `sensor`'s pipeline: any of its detectors enabled. */
export function runsSensor(config: NodeConfig, sensor: SensorChannel): boolean {
  return SENSOR_DETECTORS[sensor].some((key) => config.detectors[key].enabled);
}

/**
 * The pipeline a node with `config` runs for `sensor`, the accelerometer at `accelerometerRateHz`.
 * Throws if the configuration enables none of the sensor's detectors (the node would not run it).
 */
export function sensorPipeline(sensor: SensorChannel, config: NodeConfig, accelerometerRateHz: number, onFlex: FlexListener = () => undefined): Pipeline {
  const factory = rolePipelineFactory({ accelerometerRateHz, hasMicrophone: sensor === 'acoustic', hasAccelerometer: sensor !== 'acoustic' });
  // Only this sensor's detectors: the factory would otherwise also build the accelerometer's other
  // pipeline (tilt fed at 50 Hz must not build a vibration pipeline, which needs 1000 Hz or more).
  const detectors = { ...config.detectors };
  for (const key of Object.keys(detectors) as DetectorKey[]) {
    if (!SENSOR_DETECTORS[sensor].includes(key)) detectors[key] = { ...detectors[key], enabled: false };
  }
  const pipeline = factory({ ...config, detectors }, onFlex)[sensor];
  if (pipeline === undefined) {
    throw new Error(`the ${config.role} configuration runs no ${sensor} pipeline: ` +
      `${SENSOR_DETECTORS[sensor].map((key) => `detectors.${key}.enabled`).join(' and ')} ${SENSOR_DETECTORS[sensor].length > 1 ? 'are' : 'is'} false`);
  }
  return pipeline;
}
