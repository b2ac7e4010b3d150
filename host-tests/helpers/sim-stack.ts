/**
 * What the simulator's integration tests run on the nodes: the real firmware and the signal library,
 * as `npm start` does.
 */
import type { Firmware } from '../../simulator/run/firmware';
import { SIGNAL_LIBRARY, SIMULATOR_FIRMWARE } from '../../simulator/run/stack';
import type { GeneratorRegistry } from '../../simulator/sources/generators';

export function simStack(): { firmware: Firmware; registry: GeneratorRegistry } {
  return { firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY };
}
