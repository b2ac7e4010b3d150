/**
 * `npm run calibrate -- --node ID [--site S] [--broker URL] --baseline DURATION [--apply]`: records the
 * node's telemetry for the baseline, recommends thresholds from the ambient (simulator/calibration/),
 * prints them against the thresholds in force with the reasoning, and pushes the change as a cmd/config
 * merge patch when confirmed (y/N on a terminal) or with --apply; then prints the node's answer and the
 * new retained config. Without a terminal and without --apply nothing is pushed.
 */
import { TELEMETRY_MAX_DURATION_S, TELEMETRY_MAX_RATE_HZ } from '../../../firmware/node/telemetry';
import { BaselineRecorder } from '../../calibration/baseline';
import { formatDuration, parseDuration } from '../../calibration/duration';
import type { Recommendation, RoleDefaultsJson, SpecRegistryJson } from '../../calibration/recommend';
import { DEFAULT_POLICY, configPatch, fmt, recommendAll, specLookup } from '../../calibration/recommend';
import type { CliIo } from '../node-client';
import { NodeClient, UsageError, brokerOf, parseOptions, requireId, resultText } from '../node-client';

export const CALIBRATE_USAGE = 'usage: npm run calibrate -- --node ID --baseline DURATION [--site S] [--broker URL] [--apply] [--rate HZ] [--quantile Q]\n' +
  '  DURATION: e.g. 30s, 2m, 1m30s. --apply pushes without asking. --rate: telemetry messages per second (default 5).';

const OPTIONS = {
  node: { type: 'string' }, site: { type: 'string' }, broker: { type: 'string' }, baseline: { type: 'string' },
  apply: { type: 'boolean' }, rate: { type: 'string' }, quantile: { type: 'string' }, help: { type: 'boolean' },
} as const;

function table(recs: readonly Recommendation[]): string {
  const rows = [['threshold', 'unit', 'in force', `ambient p${fmt(recs[0]?.quantile * 100)}`, 'max', 'margin', 'recommended', 'action']];
  for (const r of recs) {
    rows.push([r.option, r.unit, fmt(r.threshold), r.ambientQuantile === undefined ? '—' : fmt(r.ambientQuantile),
      r.ambientMax === undefined ? '—' : fmt(r.ambientMax), r.margin === undefined ? '—' : fmt(r.margin),
      r.recommended === undefined ? '—' : fmt(r.recommended), r.action]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

export async function calibrate(argv: string[], io: CliIo, specs: SpecRegistryJson, roleDefaults: RoleDefaultsJson = {}): Promise<number> {
  const o = parseOptions(argv, OPTIONS, CALIBRATE_USAGE);
  if (o.help === true) {
    io.out(`${CALIBRATE_USAGE}\n`);
    return 0;
  }
  const node = requireId(o.node, '--node', CALIBRATE_USAGE);
  if (o.baseline === undefined) throw new UsageError(`--baseline is required\n${CALIBRATE_USAGE}`);
  const baselineMs = parseDuration(o.baseline, '--baseline');
  if (baselineMs < 1000) throw new UsageError('--baseline: at least 1 s');
  const rateHz = o.rate === undefined ? TELEMETRY_MAX_RATE_HZ : Number(o.rate);
  if (!(rateHz >= 0.1 && rateHz <= TELEMETRY_MAX_RATE_HZ)) throw new UsageError(`--rate: 0.1 to ${TELEMETRY_MAX_RATE_HZ} messages per second`);
  const quantile = o.quantile === undefined ? DEFAULT_POLICY.quantile : Number(o.quantile);
  if (!(quantile > 0 && quantile <= 1)) throw new UsageError('--quantile: a number in (0, 1], e.g. 0.99');

  const client = await NodeClient.open({ brokerUrl: brokerOf(o.broker), node, site: o.site, tool: 'calibrate' });
  try {
    if (client.status === 'offline') throw new Error(`node ${client.site}/${node} is offline (its retained status is the will): nothing to calibrate`);
    const telemetryLimits = client.config.telemetry as { maxDurationS?: number; maxRateHz?: number } | undefined;
    const grantedRateHz = Math.min(rateHz, telemetryLimits?.maxRateHz ?? TELEMETRY_MAX_RATE_HZ);
    const streamS = Math.min(telemetryLimits?.maxDurationS ?? TELEMETRY_MAX_DURATION_S, TELEMETRY_MAX_DURATION_S);
    const recorder = new BaselineRecorder();
    let invalid = 0;
    await client.listen('telemetry', (payload) => {
      try {
        if (!recorder.add(JSON.parse(payload))) invalid++;
      } catch {
        invalid++;
      }
    });
    io.out(`calibrate ${client.site}/${node}: recording the ambient for ${formatDuration(baselineMs)} at ${grantedRateHz} Hz (keep the room as it normally is)\n`);
    // The node switches telemetry off after a stream's duration; longer baselines renew it in time.
    const endMs = Date.now() + baselineMs;
    while (Date.now() < endMs && !io.signal.aborted) {
      const leftS = Math.ceil((endMs - Date.now()) / 1000);
      const durationS = Math.min(streamS, leftS + 2);
      const started = await client.command('telemetry', { enable: true, durationS, rateHz: grantedRateHz });
      if (!started.ok) throw new Error(`the node refused telemetry: ${started.error ?? ''}`);
      await sleep(Math.min(endMs - Date.now(), (durationS - 2) * 1000), io.signal);
    }
    const stopped = await client.command('telemetry', { enable: false });
    if (!stopped.ok) io.err(`warning: telemetry did not stop: ${stopped.error ?? ''}\n`);
    if (io.signal.aborted) {
      io.out('interrupted: telemetry stopped, nothing changed\n');
      return 130;
    }
    io.out(`recorded ${recorder.messages} telemetry messages over ${(recorder.spanMs / 1000).toFixed(1)} s of node uptime` +
      `${invalid > 0 ? ` (${invalid} unreadable, left out)` : ''}\n`);
    for (const p of recorder.pipelines()) {
      const f = p.noiseFloorDb;
      io.out(`  ${p.kind}: ${p.messages} snapshots, noise floor ${f === undefined ? 'not reported' : `${fmt(f.min)} … ${fmt(f.max)} dB, median ${fmt(f.median)} dB`}\n`);
    }
    const role = typeof client.config.role === 'string' ? client.config.role : undefined;
    const recs = recommendAll(recorder.series(), specLookup(specs, roleDefaults, role), { ...DEFAULT_POLICY, quantile });
    if (recs.length === 0) {
      io.out('the node reported no thresholds in its telemetry: nothing to recommend\n');
      return 1;
    }
    io.out(`\n${table(recs)}\n\nreasoning:\n`);
    const signature = recs.filter((r) => r.action === 'signature');
    for (const r of recs) if (r.action !== 'signature') io.out(`  ${r.option}:\n${r.reasons.map((reason) => `    - ${reason}\n`).join('')}`);
    if (signature.length > 0) {
      io.out(`  not calibrated from the ambient — criteria on the shape of an event (what the threat looks like, not how loud the room is; ` +
        `raising them would make the detector miss the real event): ${signature.map((r) => r.option).join(', ')}\n`);
    }
    const patch = configPatch(recs);
    if (patch === undefined) {
      io.out('\nevery threshold can stay as it is: nothing to push\n');
      return 0;
    }
    io.out(`\nconfiguration change (cmd/config, merge): ${JSON.stringify(patch)}\n`);
    if (o.apply !== true) {
      if (!io.isTTY) {
        io.out('not pushed: no terminal to confirm on and no --apply (run again with --apply to push it)\n');
        return 0;
      }
      const answer = (await io.ask(`push it to ${client.site}/${node}? [y/N] `)).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') {
        io.out('not pushed\n');
        return 0;
      }
    }
    const applied = await client.command('config', { config: patch, mode: 'merge' });
    io.out(`cmd/result: ${resultText(applied)}\n`);
    if (!applied.ok) return 1;
    // The node retains its new effective configuration; show the values it now runs with.
    const deadline = Date.now() + 5000;
    const inForce = (): Record<string, Record<string, unknown>> => (client.config.detectors ?? {}) as Record<string, Record<string, unknown>>;
    const matches = (): boolean => Object.entries(patch.detectors).every(([key, values]) =>
      Object.entries(values).every(([name, value]) => inForce()[key]?.[name] === value));
    while (!matches() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    io.out(matches() ? 'retained config now:\n' : 'warning: the retained config does not show the change yet:\n');
    for (const [key, values] of Object.entries(patch.detectors)) {
      for (const name of Object.keys(values)) io.out(`  detectors.${key}.${name} = ${String(inForce()[key]?.[name])}\n`);
    }
    return matches() ? 0 : 1;
  } finally {
    await client.close();
  }
}
