/**
 * The detectors in one place: each one's option specs (for configuration validation and docs) and the
 * per-role defaults — which detectors run for a display case, a window and a balcony, and the
 * thresholds each role starts from (spec defaults overlaid with the detector's role overrides).
 */
import { GLASS_BREAK_OPTION_SPECS, GLASS_BREAK_ROLE_OVERRIDES } from '../detect/glass-break';
import { GRINDER_OPTION_SPECS, GRINDER_ROLE_OVERRIDES } from '../detect/grinder';
import { IMPACT_OPTION_SPECS, IMPACT_ROLE_OVERRIDES } from '../detect/impact';
import { TILT_OPTION_SPECS, TILT_ROLE_OVERRIDES } from '../detect/tilt';
import type { NodeRole } from '../detect/types';
import { NODE_ROLES } from '../detect/types';
import type { DetectorKey, DetectorSpecRegistry, RoleDetectorDefaults } from './config';

export const DETECTOR_SPECS: DetectorSpecRegistry = {
  glassBreak: GLASS_BREAK_OPTION_SPECS,
  grinder: GRINDER_OPTION_SPECS,
  impact: IMPACT_OPTION_SPECS,
  tilt: TILT_OPTION_SPECS,
};

type RoleOverrides = Readonly<Record<NodeRole, Readonly<Record<string, number | boolean>> | null>>;

const ROLE_OVERRIDES: Readonly<Record<DetectorKey, RoleOverrides>> = {
  glassBreak: GLASS_BREAK_ROLE_OVERRIDES,
  grinder: GRINDER_ROLE_OVERRIDES,
  impact: IMPACT_ROLE_OVERRIDES,
  tilt: TILT_ROLE_OVERRIDES,
};

function roleDefaults(role: NodeRole): RoleDetectorDefaults[NodeRole] {
  const out: Partial<Record<DetectorKey, { enabled: boolean; [option: string]: number | boolean }>> = {};
  for (const key of Object.keys(ROLE_OVERRIDES) as DetectorKey[]) {
    const override = ROLE_OVERRIDES[key][role];
    out[key] = override === null ? { enabled: false } : { enabled: true, ...override };
  }
  return out;
}

/** Which detectors each role runs (a role override of null means not at all) and its threshold overrides. */
export const ROLE_DETECTOR_DEFAULTS: RoleDetectorDefaults = Object.fromEntries(
  NODE_ROLES.map((role) => [role, roleDefaults(role)]),
) as RoleDetectorDefaults;
