/**
 * Remarks the technician view prints beside options of the configuration in force whose consequence is not
 * in their value alone. Today: whether a glass break needs the pane's flex, or how far its absence raises the
 * bar, with the mounting it follows (docs/configuration.md, "Dual technology follows the mounting"), so a
 * technician walk-testing a node on its glass knows why the glass-break simulator alone may raise nothing.
 */

/** Option path (`detectors.<key>.<option>`) → remark, for the options that have one in this configuration. */
export function configRemarks(config: Record<string, unknown> | undefined): Map<string, string> {
  const remarks = new Map<string, string>();
  const glass = record(record(config?.detectors)?.glassBreak);
  if (glass === undefined || glass.enabled !== true || typeof glass.requireFlex !== 'boolean') return remarks;
  const role = typeof config?.role === 'string' ? config.role.replace('_', ' ') : 'node';
  const surface = record(config?.mounting)?.surface;
  const mounted = typeof surface === 'string' ? `a ${role} node mounted on its ${surface}` : `a ${role} node`;
  remarks.set('detectors.glassBreak.requireFlex', glass.requireFlex
    ? `dual technology (${mounted}): a glass break alarms only when the accelerometer saw the pane flex ${flexSpan(glass)}; ` +
      `walk test: thump the pane and sound the simulator together${fullFlex(glass, ' (a thump under ', ' g adds only its share of the bonus)')}`
    : `the microphone decides (${mounted}); a pane flex ${flexSpan(glass)} adds ${num(glass.flexBonus)} to the score` +
      fullFlex(glass, ' (a flex under ', ' g its share)') + withoutFlex(glass));
  return remarks;
}

/** When a flex counts as the sound's blow: before its onset up to flexWindowMs, after it flexAfterOnsetMs at most. */
function flexSpan(glass: Record<string, unknown>): string {
  const before = glass.flexWindowMs;
  const after = glass.flexAfterOnsetMs;
  const firstMs = typeof before === 'number' && typeof after === 'number' ? Math.min(before, after) : after;
  return `in the ${num(before)} ms before the sound or its first ${num(firstMs)} ms`;
}

/** Where a weaker flex adds only part of flexBonus (flexFullG; 0: none). */
function fullFlex(glass: Record<string, unknown>, before: string, after: string): string {
  const fullG = glass.flexFullG;
  return typeof fullG === 'number' && fullG > 0 ? `${before}${num(fullG)}${after}` : '';
}

/** The stricter bar for the sound alone, where it is stricter than minScore (a display case on its glass). */
function withoutFlex(glass: Record<string, unknown>): string {
  const alone = glass.minScoreWithoutFlex;
  const always = glass.minScore;
  if (typeof alone !== 'number' || typeof always !== 'number' || alone <= always) return '';
  return `; without one the sound alone needs a score of ${num(alone)}`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

function num(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '?';
}
