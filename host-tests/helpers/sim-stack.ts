/**
 * What the simulator's integration tests run on the nodes: the firmware and the signal library.
 */
import type { Firmware } from '../../simulator/run/firmware';
import type { GeneratorRegistry } from '../../simulator/sources/generators';
import { TEST_DETECTOR_SPECS, createTestPipelines } from './test-pipelines';
import { testRegistry } from './test-generators';

export function simStack(): { firmware: Firmware; registry: GeneratorRegistry } {
  return {
    firmware: { version: '0.1.0-test', detectorSpecs: TEST_DETECTOR_SPECS, createPipelines: createTestPipelines },
    registry: testRegistry(),
  };
}
