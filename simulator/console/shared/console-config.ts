/**
 * What the console server tells the page (embedded as JSON in the HTML): where the broker is, the
 * site plan, and the detector option specs for recommended thresholds.
 */
import type { RoleDefaultsJson, SpecRegistryJson } from '../../calibration/recommend';
import type { SitePlan } from './site-plan';

export interface ConsoleConfig {
  title: string;
  /** `ws://…` of the broker, or `/mqtt` for the console server's bridge (resolved against the page). */
  brokerWsUrl: string;
  plan: SitePlan | undefined;
  /** The `<site>` topic level watched, `+` for every site. */
  siteId: string;
  specs: SpecRegistryJson;
  /** Per-role defaults that differ from the specs'. */
  roleDefaults: RoleDefaultsJson;
}
