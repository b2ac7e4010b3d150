/**
 * The detector option specs and per-role defaults the command-line tools use to clamp recommended
 * thresholds and to name units. The firmware's registry of every detector (firmware/detect/registry.ts)
 * is not on main yet: until it is, these are the motion detectors' (grinder, impact, tilt); a glass-break
 * threshold is not clamped here and the node's own validation is its range check (the tools say so).
 */
import { GRINDER_OPTION_SPECS, GRINDER_ROLE_OVERRIDES } from '../../firmware/detect/grinder';
import { IMPACT_OPTION_SPECS, IMPACT_ROLE_OVERRIDES } from '../../firmware/detect/impact';
import { TILT_OPTION_SPECS, TILT_ROLE_OVERRIDES } from '../../firmware/detect/tilt';
import { NODE_ROLES } from '../../firmware/detect/types';
import type { RoleDefaultsJson, SpecRegistryJson } from './recommend';

export const TOOL_DETECTOR_SPECS: SpecRegistryJson = {
  grinder: GRINDER_OPTION_SPECS,
  impact: IMPACT_OPTION_SPECS,
  tilt: TILT_OPTION_SPECS,
};

const ROLE_OVERRIDES = { grinder: GRINDER_ROLE_OVERRIDES, impact: IMPACT_ROLE_OVERRIDES, tilt: TILT_ROLE_OVERRIDES };

export const TOOL_ROLE_DEFAULTS: RoleDefaultsJson = Object.fromEntries(NODE_ROLES.map((role) => [role,
  Object.fromEntries(Object.entries(ROLE_OVERRIDES).map(([key, overrides]) => [key, overrides[role] ?? undefined]))]));
