/**
 * `npm run relearn -- --node ID [--site S] [--broker URL] [--no-wait]`: the node forgets its tilt home
 * position and its learned orientation and learns them again from the next seconds of signal (clears
 * tamper). Then, unless --no-wait, it follows the node's telemetry until the tilt detector has a new home
 * and prints it: the angle from it and the threshold, so that the technician knows when the structure
 * may move again.
 */
import type { PipelineSnapshot } from '../../../firmware/node/pipeline';
import type { TelemetryMessage } from '../../../firmware/node/telemetry';
import { fmt } from '../../calibration/recommend';
import type { CliIo } from '../node-client';
import { NodeClient, brokerOf, parseOptions, requireId, resultText } from '../node-client';

export const RELEARN_USAGE = 'usage: npm run relearn -- --node ID [--site S] [--broker URL] [--no-wait]\n' +
  '  Without --no-wait it follows the node\'s telemetry until the tilt detector has learned its new home.';
const OPTIONS = {
  node: { type: 'string' }, site: { type: 'string' }, broker: { type: 'string' }, 'no-wait': { type: 'boolean' }, help: { type: 'boolean' },
} as const;

/** Telemetry rate while waiting, messages per second: enough to see the end of learning within half a second. */
const FOLLOW_RATE_HZ = 2;
/** Learning time when the config does not say (the tilt detector's learnMs default), and the slack after it. */
const DEFAULT_LEARN_MS = 6000;
const SLACK_MS = 10_000;

type TiltState = { learning: boolean; homeAgeS: number; tiltDeg: number; thresholdDeg: number | undefined };

function tiltOf(payload: string): TiltState | undefined | 'not-reported' {
  let message: TelemetryMessage;
  try {
    message = JSON.parse(payload) as TelemetryMessage;
  } catch {
    return undefined;
  }
  const tilt = Array.isArray(message.pipelines) ? message.pipelines.find((p: PipelineSnapshot) => p?.kind === 'tilt') : undefined;
  if (tilt === undefined) return undefined;
  const { learning, homeAgeS, tiltDeg } = tilt.levels ?? {};
  if (typeof learning !== 'number' || typeof homeAgeS !== 'number' || typeof tiltDeg !== 'number') return 'not-reported';
  const threshold = Array.isArray(tilt.thresholds) ? tilt.thresholds.find((t) => t.option === 'tilt.thresholdDeg')?.threshold : undefined;
  return { learning: learning !== 0, homeAgeS, tiltDeg, thresholdDeg: threshold };
}

export async function relearn(argv: string[], io: CliIo): Promise<number> {
  const o = parseOptions(argv, OPTIONS, RELEARN_USAGE);
  if (o.help === true) {
    io.out(`${RELEARN_USAGE}\n`);
    return 0;
  }
  const node = requireId(o.node, '--node', RELEARN_USAGE);
  const client = await NodeClient.open({ brokerUrl: brokerOf(o.broker), node, site: o.site, tool: 'relearn' });
  try {
    const tiltConfig = (client.config.detectors as Record<string, { enabled?: boolean; learnMs?: number }> | undefined)?.tilt;
    const follow = o['no-wait'] !== true && tiltConfig?.enabled === true;
    let done: ((text: string) => void) | undefined;
    const learned = new Promise<string>((resolve) => (done = resolve));
    let sentAtMs = 0;
    if (follow) {
      let seenLearning = false;
      await client.listen('telemetry', (payload) => {
        const tilt = tiltOf(payload);
        if (tilt === undefined || sentAtMs === 0) return;
        if (tilt === 'not-reported') {
          done?.('the node\'s tilt telemetry does not say whether it is learning: check its tilt level in the console');
          return;
        }
        if (tilt.learning) {
          seenLearning = true;
          return;
        }
        // A home learned since the command (learning may end between two messages).
        if (seenLearning || tilt.homeAgeS * 1000 <= Date.now() - sentAtMs) {
          done?.(`new home learned (${fmt(tilt.homeAgeS)} s ago): tilt ${fmt(tilt.tiltDeg)}° from it` +
            `${tilt.thresholdDeg === undefined ? '' : `, threshold ${fmt(tilt.thresholdDeg)}°`}; the structure may move again`);
        }
      });
    }
    sentAtMs = Date.now();
    const result = await client.command('relearn', {});
    io.out(`relearn ${client.site}/${node}: ${resultText(result)}\n`);
    if (!result.ok) return 1;
    if (!follow) {
      io.out(tiltConfig?.enabled === true
        ? 'the node learns its home position again from the next seconds: keep the structure still\n'
        : 'this node runs no tilt detector: it learns its orientation (tamper) again from the next seconds\n');
      return 0;
    }
    const learnMs = typeof tiltConfig?.learnMs === 'number' ? tiltConfig.learnMs : DEFAULT_LEARN_MS;
    const waitMs = learnMs + SLACK_MS;
    io.out(`learning the home position for ${fmt(learnMs / 1000)} s: keep the structure still (following telemetry, up to ${fmt(waitMs / 1000)} s)\n`);
    const started = await client.command('telemetry', { enable: true, durationS: Math.ceil(waitMs / 1000) + 2, rateHz: FOLLOW_RATE_HZ });
    if (!started.ok) {
      io.out(`cannot follow it: the node refused telemetry (${started.error ?? ''})\n`);
      return 0;
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      learned.then((text) => ({ text, ok: true })),
      new Promise<{ text: string; ok: boolean }>((resolve) => {
        timer = setTimeout(() => resolve({ text: `no new home after ${fmt(waitMs / 1000)} s: is the structure still moving? See the tilt level in the console`, ok: false }), waitMs);
        io.signal.addEventListener('abort', () => resolve({ text: 'interrupted: the node goes on learning', ok: true }), { once: true });
      }),
    ]);
    clearTimeout(timer);
    const stopped = await client.command('telemetry', { enable: false });
    if (!stopped.ok) io.err(`warning: telemetry did not stop: ${stopped.error ?? ''}\n`);
    io.out(`${outcome.text}\n`);
    return outcome.ok ? 0 : 1;
  } finally {
    await client.close();
  }
}
