/**
 * The evaluation report as a table for people: what was run (and whether the defaults were tuned on
 * it), recall per threat and level, false alarms per confuser class, latency, and the cases behind any
 * miss or alarm.
 */
import type { SensorReport } from './evaluate';
import type { RateInterval } from './interval';
import { HIT_EARLY_S, HIT_LATE_S, JUDGED_LEVEL_DB, latencyName } from './score';

/** A window node judging glass break by its microphone alone (its accelerometer on the frame). */
export const MICROPHONE_ONLY_EXAMPLE = 'docs/examples/window-microphone-only.json';

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

/** `94.8–98.6%`: a 95 % interval (interval.ts). */
function range(interval: RateInterval): string {
  return `${(100 * interval.low).toFixed(1)}–${percent(interval.high)}`;
}

function ms(value: number | null): string {
  return value === null ? '-' : String(Math.round(value));
}

function table(header: string[], rows: string[][], leftColumns: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `  ${cells.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function seedText(report: SensorReport): string {
  return report.seeds === 1 ? `seed ${report.seed}` : `seeds ${report.seed}–${report.seed + report.seeds - 1} pooled (${report.seeds} corpora)`;
}

export function reportText(report: SensorReport): string {
  const s = report.summary;
  const set = report.set === 'holdout'
    ? 'HOLDOUT parameter set (ranges the defaults were NOT tuned on; reported separately)'
    : 'default parameter set (the ranges the defaults were tuned on)';
  const lines = [
    `== ${report.sensor}: ${set}`,
    `   corpus size ${report.size}, ${seedText(report)}; pipeline from ${report.defaultConfig ? 'the default configuration' : 'the GIVEN configuration (--config)'} of role ${report.role}; ` +
      `${s.cases} cases (${s.threatCases} threats, ${s.confuserCases} confusers and ambient) in ${report.seconds.toFixed(1)} s`,
  ];
  if (report.railing) lines.push('   ON A RAILING: the corpus adds the railing singing in the wind (railing_wind), which a node on glass, a frame or a plinth never meets');
  if (report.sensor === 'acoustic') {
    const fusion = report.flexRequired
      ? 'glass break REQUIRES the flex (dual technology)'
      : `a flex adds flexBonus to the score${report.soundAloneStricter ? '; without one the sound alone needs minScoreWithoutFlex' : ''}`;
    lines.push(report.flex
      ? `   FLEX MODELLED (--flex): a pane flex is reported at every glass break's onset and never for a confuser, the best case; ${fusion}`
      : report.pane
        ? '   PANE MODELLED: the accelerometer on the pane (the blow that breaks it, every sound, door slams through the wall) ' +
          `through the vibration pipeline, whose flex reports reach the glass-break detector; ${fusion}` +
          (report.jointLossDb > 0 ? `\n   ANOTHER PANE: the node sits on another pane of the case than the one struck; every blow and knock reaches it ${report.jointLossDb} dB weaker` : '')
        : `   microphone only (no pane flex)${report.flexRequired || report.soundAloneStricter ? `; ${fusion}` : ''}`);
    if (report.flex || report.pane) lines.push(`   microphone-only figures: --config ${MICROPHONE_ONLY_EXAMPLE}`);
  }
  lines.push('', `recall per threat and level (a hit is published from ${HIT_EARLY_S} s before the onset to ${HIT_LATE_S} s after the end; ` +
    'cross: other threat types, stray: same type outside the event; 95%: the interval the number of cases allows)');
  lines.push(...table(['threat', 'level', 'cases', 'detected', 'recall', '95%', 'cross', 'stray'], report.recall.map((r) => [
    r.threat, r.level, String(r.cases), String(r.detected), percent(r.recall), range(r.recallInterval95), String(r.crossDetections), String(r.strayDetections),
  ]), 2));
  lines.push('', 'false alarms per confuser class (cases with any detection; 95%: the share of such cases that may alarm, as far as the number of cases shows)');
  lines.push(...table(['class', 'cases', 'alarmed', 'alarms', '95%', 'types'], report.falseAlarms.map((r) => [
    r.group, String(r.cases), String(r.alarmedCases.length), String(r.alarms), range(r.alarmedShareInterval95), r.alarmTypes.join(',') || '-',
  ]), 1));
  lines.push('', 'latency from the onset to publishing, ms (impacts: from the blow that completed the count)');
  lines.push(...table(['threat', 'detected', 'p50', 'p95', 'max'], report.latency.map((r) => [
    latencyName(r), String(r.detected), ms(r.p50Ms), ms(r.p95Ms), ms(r.maxMs),
  ]), 1));
  lines.push('', `lowest recall over the judged levels (+${JUDGED_LEVEL_DB} dB or more; every grade and angle): ${percent(s.minRecall)} (95%: ${range(s.minRecallInterval95)}); ` +
    `confuser and ambient cases alarmed: ${s.alarmedConfuserCases} of ${s.confuserCases} (95%: ${range(s.alarmedShareInterval95)}); stray ${s.strayDetections}, cross ${s.crossDetections}`);
  for (const r of report.recall) if (r.missed.length > 0) lines.push(`  missed (${r.threat} ${r.level}): ${r.missed.join(', ')}`);
  for (const r of report.falseAlarms) if (r.alarmedCases.length > 0) lines.push(`  false alarms (${r.group}): ${r.alarmedCases.join(', ')}`);
  return lines.join('\n');
}
