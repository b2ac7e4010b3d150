/**
 * Builds a node's pipelines from its configuration: the acoustic pipeline when glass-break detection is
 * enabled, the vibration pipeline when the grinder or impact detector is, the tilt pipeline when tilt is.
 * Glass-break flex corroboration comes from the impact detector, so it needs impact enabled.
 */
import { AcousticPipeline } from './pipeline-acoustic';
import { TiltPipeline } from './pipeline-tilt';
import { VibrationPipeline } from './pipeline-vibration';
import type { FlexListener } from './pipeline';
import { detectorOptions, type NodeConfig } from './config';
import type { PipelineSet } from './sensor-node';

export interface PipelineFactoryOptions {
  /** The accelerometer's output data rate (e.g. 1344 or 1620 Hz for a LIS3DH, 1600 Hz for an ADXL345). */
  accelerometerRateHz: number;
  /** Whether the node has each sensor: a detector without its sensor is not built. */
  hasMicrophone: boolean;
  hasAccelerometer: boolean;
}

export type PipelineFactory = (config: NodeConfig, onFlex: FlexListener) => PipelineSet;

export function rolePipelineFactory(options: PipelineFactoryOptions): PipelineFactory {
  return (config, onFlex) => {
    const { detectors } = config;
    const set: PipelineSet = {};
    if (options.hasMicrophone && detectors.glassBreak.enabled) {
      set.acoustic = new AcousticPipeline(detectorOptions(config, 'glassBreak'));
    }
    let vibration: VibrationPipeline | undefined;
    if (options.hasAccelerometer && (detectors.grinder.enabled || detectors.impact.enabled)) {
      vibration = new VibrationPipeline({
        rateHz: options.accelerometerRateHz,
        grinder: detectors.grinder.enabled ? detectorOptions(config, 'grinder') : null,
        impact: detectors.impact.enabled ? detectorOptions(config, 'impact') : null,
        onFlex,
      });
      set.vibration = vibration;
    }
    if (options.hasAccelerometer && detectors.tilt.enabled) {
      // On the same accelerometer, the vibration pipeline's block stats tell tilt when the sensor saturates.
      set.tilt = new TiltPipeline({ tilt: detectorOptions(config, 'tilt'), blockStats: vibration?.blockStats });
    }
    return set;
  };
}
