/**
 * `npm run walktest -- --node ID --minutes N [--site S] [--broker URL]`: puts the node in walk-test
 * mode (its alerts are tests, never alarms), lists each test detection with its score and margin as an
 * installer does with a glass-break simulator, and leaves walk-test mode at the end or on Ctrl-C.
 */
import type { AlertMessage, CommandResultMessage } from '../../../firmware/node/protocol';
import type { SpecRegistryJson } from '../../calibration/recommend';
import { specLookup } from '../../calibration/recommend';
import { describeMargin, walkTestMargin } from '../../calibration/walk-margin';
import type { CliIo } from '../node-client';
import { NodeClient, UsageError, brokerOf, parseOptions, requireId, resultText } from '../node-client';

export const WALKTEST_USAGE = 'usage: npm run walktest -- --node ID --minutes N [--site S] [--broker URL]';
const OPTIONS = { node: { type: 'string' }, minutes: { type: 'string' }, site: { type: 'string' }, broker: { type: 'string' }, help: { type: 'boolean' } } as const;

function time(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 23);
}

export async function walkTest(argv: string[], io: CliIo, specs: SpecRegistryJson): Promise<number> {
  const o = parseOptions(argv, OPTIONS, WALKTEST_USAGE);
  if (o.help === true) {
    io.out(`${WALKTEST_USAGE}\n`);
    return 0;
  }
  const node = requireId(o.node, '--node', WALKTEST_USAGE);
  const minutes = Number(o.minutes);
  if (o.minutes === undefined || !(minutes > 0 && minutes <= 1440)) throw new UsageError(`--minutes: a number of minutes above 0 (at most 1440)\n${WALKTEST_USAGE}`);
  const durationS = Math.max(1, Math.round(minutes * 60));
  const lookup = specLookup(specs);
  const client = await NodeClient.open({ brokerUrl: brokerOf(o.broker), node, site: o.site, tool: 'walktest' });
  const counts = new Map<string, number>();
  try {
    await client.listen('alert', (payload) => {
      let alert: AlertMessage;
      try {
        alert = JSON.parse(payload) as AlertMessage;
      } catch {
        io.err(`unreadable alert: ${payload.slice(0, 80)}\n`);
        return;
      }
      if (alert.test !== true) {
        io.out(`${time(Date.now())}  NOT A TEST: ${alert.type} ${alert.severity} score ${alert.score}\n`);
        return;
      }
      counts.set(alert.type, (counts.get(alert.type) ?? 0) + 1);
      const detectors = client.config.detectors as Record<string, Record<string, number | boolean>> | undefined;
      const margin = walkTestMargin(alert, detectors, lookup);
      io.out(`${time(Date.now())}  ${alert.type.padEnd(12)} score ${alert.score.toFixed(2)}  margin ${describeMargin(margin)}\n`);
    });
    const started = await client.command('walktest', { enable: true, durationS });
    if (!started.ok) {
      io.out(`cmd/result: ${resultText(started)}\n`);
      return 1;
    }
    io.out(`walk test on ${client.site}/${node} for ${minutes} min: trigger each sensor; its detections are listed here (Ctrl-C ends)\n`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, durationS * 1000);
      io.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    const summary = [...counts.entries()].map(([type, n]) => `${type} ×${n}`).join(', ');
    let ended: CommandResultMessage;
    try {
      ended = await client.command('walktest', { enable: false });
    } catch (error) {
      // The node leaves walk-test mode by itself at the end of the duration it was given.
      io.out(`walk test ${io.signal.aborted ? 'interrupted' : 'over'}, but the node did not confirm leaving walk-test mode ` +
        `(${(error as Error).message}); it leaves it by itself ${durationS} s after the start\n`);
      io.out(`test detections: ${summary === '' ? 'none' : summary}\n`);
      return 1;
    }
    io.out(`walk test ${io.signal.aborted ? 'interrupted' : 'over'}: cmd/result ${resultText(ended)}\n`);
    io.out(`test detections: ${summary === '' ? 'none' : summary}\n`);
    return ended.ok ? 0 : 1;
  } finally {
    await client.close();
  }
}
