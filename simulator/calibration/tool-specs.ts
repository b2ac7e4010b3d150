/**
 * The detector option specs the command-line tools use to clamp recommended thresholds and to name
 * units. The firmware's registry of the real detectors (firmware/detect/registry.ts) is not on main
 * yet; until it is, recommendations are not clamped here and the node's own validation is the range
 * check (the tools say so in their reasoning).
 */
import type { SpecRegistryJson } from './recommend';

export const TOOL_DETECTOR_SPECS: SpecRegistryJson = {};
