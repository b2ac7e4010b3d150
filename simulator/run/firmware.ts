/**
 * The firmware the simulator runs on each node: the same SensorNode as the device, with its detector
 * option specs, per-role defaults and pipeline factory. Tests may hand the runner stand-in pipelines;
 * the demo, the bench and the integration tests run the real ones.
 */
import type { DetectorSpecRegistry, NodeConfig, RoleDetectorDefaults } from '../../firmware/node/config';
import type { FlexListener } from '../../firmware/node/pipeline';
import type { PipelineSet } from '../../firmware/node/sensor-node';

export interface Firmware {
  /** Reported in heartbeats and Home Assistant discovery. */
  version: string;
  detectorSpecs: DetectorSpecRegistry;
  detectorDefaults?: RoleDetectorDefaults;
  createPipelines(config: NodeConfig, onFlex: FlexListener): PipelineSet;
}
