/**
 * The technician's command-line tools (calibrate, walktest, relearn) against a real node on the
 * embedded broker: the node runs in real time with the stand-in pipelines, the tools run in this
 * process with a scripted terminal, and an observer checks what the node retains.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import type { EmbeddedBroker } from '../../simulator/broker/embedded';
import type { CliIo } from '../../simulator/cli/node-client';
import { UsageError } from '../../simulator/cli/node-client';
import { calibrate } from '../../simulator/cli/technician/calibrate';
import { relearn } from '../../simulator/cli/technician/relearn';
import { walkTest } from '../../simulator/cli/technician/walktest';
import { LiveNode } from '../helpers/live-node';
import { Observer, waitUntil } from '../helpers/mqtt-probe';
import { SIMULATOR_FIRMWARE } from '../../simulator/run/stack';
import { TEST_DETECTOR_SPECS } from '../helpers/test-pipelines';

const LOCATION = { building: 'Denon', floor: '1', room: 'Galerie d\'Apollon', element: 'case 9', label: 'Apollo case 9' };

class ScriptedIo implements CliIo {
  text = '';
  errors = '';
  questions: string[] = [];
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  constructor(readonly isTTY: boolean, readonly answer = '') {}
  out(text: string): void {
    this.text += text;
  }
  err(text: string): void {
    this.errors += text;
  }
  ask(question: string): Promise<string> {
    this.questions.push(question);
    return Promise.resolve(this.answer);
  }
}

describe('technician tools against a live node', function () {
  this.timeout(60_000);
  let broker: EmbeddedBroker;
  let node: LiveNode;
  let observer: Observer;

  before(async function () {
    broker = await startEmbeddedBroker();
    node = new LiveNode({ brokerUrl: broker.url, site: 'museum', node: 'case-9', role: 'display_case', location: LOCATION }).start();
    observer = await Observer.connect(broker.url, ['vitrine/museum/case-9/config', 'vitrine/museum/case-9/alert']);
    await waitUntil(() => observer.messages.some((m) => m.topic.endsWith('/config')), 10_000, 'the node\'s retained config');
  });
  after(async function () {
    await observer?.close();
    node?.stop();
    await broker?.stop();
  });

  const args = (...rest: string[]): string[] => ['--node', 'case-9', '--broker', broker.url, ...rest];
  const glassThreshold = (): number => {
    const configs = observer.messages.filter((m) => m.topic.endsWith('/config'));
    return (JSON.parse(configs[configs.length - 1].payload) as { detectors: { glassBreak: { rmsThresholdCounts: number } } })
      .detectors.glassBreak.rmsThresholdCounts;
  };

  it('calibrate without a terminal and without --apply recommends but pushes nothing, and says so', async function () {
    node.mic = 'noisy';
    const io = new ScriptedIo(false);
    assert.equal(await calibrate(args('--baseline', '5s'), io, TEST_DETECTOR_SPECS), 0);
    assert.match(io.text, /calibrate museum\/case-9: recording the ambient for 5 s at 5 Hz/);
    assert.match(io.text, /recorded \d+ telemetry messages/);
    assert.match(io.text, /glassBreak\.rmsThresholdCounts\s+count\s+8000\s+\d+\s+\d+\s+\d+\s+\d+\s+raise/);
    assert.match(io.text, /99th percentile \d+ count/);
    assert.match(io.text, /not pushed: no terminal to confirm on and no --apply/);
    assert.deepEqual(io.questions, []);
    assert.equal(glassThreshold(), 8000, 'the node kept its threshold');
  });

  it('calibrate on a terminal asks, and pushes nothing on "N"', async function () {
    const io = new ScriptedIo(true, 'n');
    assert.equal(await calibrate(args('--baseline', '5s'), io, TEST_DETECTOR_SPECS), 0);
    assert.equal(io.questions.length, 1);
    assert.match(io.questions[0], /push it to museum\/case-9\? \[y\/N\]/);
    assert.match(io.text, /not pushed/);
    assert.equal(glassThreshold(), 8000);
  });

  it('calibrate --apply pushes the recommendation, prints the node\'s answer and the new retained config', async function () {
    const io = new ScriptedIo(false);
    assert.equal(await calibrate(args('--baseline', '5s', '--apply'), io, TEST_DETECTOR_SPECS), 0, io.text + io.errors);
    const recommended = Number(/"rmsThresholdCounts":(\d+)/.exec(io.text)?.[1]);
    assert.ok(recommended > 8000, io.text);
    assert.match(io.text, /cmd\/result: ok, changed config\.detectors\.glassBreak\.rmsThresholdCounts/);
    assert.match(io.text, new RegExp(`retained config now:\\n  detectors\\.glassBreak\\.rmsThresholdCounts = ${recommended}`));
    await waitUntil(() => glassThreshold() === recommended, 5000, 'the retained config at the observer');
    node.mic = 'quiet';
  });

  it('calibrate in a quiet room brings a raised threshold back to its default on "y", then finds nothing to change', async function () {
    const io = new ScriptedIo(true, 'y');
    assert.equal(await calibrate(args('--baseline', '5s'), io, TEST_DETECTOR_SPECS), 0);
    assert.match(io.text, /glassBreak\.rmsThresholdCounts\s+count\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+8000\s+lower/);
    assert.match(io.text, /below the default \(8000 count\)/);
    assert.equal(io.questions.length, 1);
    await waitUntil(() => glassThreshold() === 8000, 5000, 'the default back in the retained config');
    const again = new ScriptedIo(true, 'y');
    assert.equal(await calibrate(args('--baseline', '5s'), again, TEST_DETECTOR_SPECS), 0);
    assert.match(again.text, /every threshold can stay as it is: nothing to push/);
    assert.deepEqual(again.questions, []);
  });

  it('walktest lists each test detection with score and margin and leaves walk-test mode at the end', async function () {
    const io = new ScriptedIo(false);
    const running = walkTest(args('--minutes', '0.1'), io, TEST_DETECTOR_SPECS);
    await waitUntil(() => io.text.includes('walk test on'), 10_000, 'walk-test mode');
    node.mic = 'burst';
    assert.equal(await running, 0, io.text);
    assert.match(io.text, /glass_break\s+score \d\.\d\d\s+margin \+\d+ count, \+[\d.]+ dB on glassBreak\.rmsThresholdCounts/);
    assert.match(io.text, /walk test over: cmd\/result ok/);
    assert.match(io.text, /test detections: glass_break ×1/);
    const tests = observer.messages.filter((m) => m.topic.endsWith('/alert')).map((m) => JSON.parse(m.payload) as { test: boolean; severity: string });
    assert.ok(tests.length > 0 && tests.every((a) => a.test && a.severity === 'info'), 'walk-test alerts are tests, never alarms');
  });

  it('walktest leaves walk-test mode on Ctrl-C, and the node alarms again afterwards', async function () {
    const io = new ScriptedIo(false);
    const running = walkTest(args('--minutes', '10'), io, TEST_DETECTOR_SPECS);
    await waitUntil(() => io.text.includes('walk test on'), 10_000, 'walk-test mode');
    io.controller.abort();
    assert.equal(await running, 0);
    assert.match(io.text, /walk test interrupted: cmd\/result ok/);
    const before = observer.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 5500)); // past the glass-break cooldown of the previous test alert
    node.mic = 'burst';
    await waitUntil(() => observer.messages.slice(before).some((m) => m.topic.endsWith('/alert')), 10_000, 'an alert');
    const alert = JSON.parse(observer.messages.slice(before).find((m) => m.topic.endsWith('/alert'))?.payload ?? '{}') as { test: boolean; severity: string };
    assert.equal(alert.test, false);
    assert.equal(alert.severity, 'alarm');
  });

  it('relearn prints the node\'s answer; a node without a tilt detector has nothing to follow', async function () {
    const io = new ScriptedIo(false);
    assert.equal(await relearn(args(), io), 0);
    assert.match(io.text, /relearn museum\/case-9: ok\nthis node runs no tilt detector: it learns its orientation \(tamper\) again/);
  });

  it('relearn on a balcony (the real tilt detector) follows telemetry until the new home is learned', async function () {
    const balcony = new LiveNode({
      brokerUrl: broker.url, site: 'museum', node: 'balcony-2', role: 'balcony', location: { ...LOCATION, element: 'balcony', label: 'Balcony 2' },
      detectorSpecs: SIMULATOR_FIRMWARE.detectorSpecs, createPipelines: SIMULATOR_FIRMWARE.createPipelines,
    }).start();
    const configs = await Observer.connect(broker.url, ['vitrine/museum/balcony-2/config']);
    try {
      await waitUntil(() => configs.messages.length > 0, 10_000, 'the balcony\'s retained config');
      const io = new ScriptedIo(false);
      const started = performance.now();
      assert.equal(await relearn(['--node', 'balcony-2', '--broker', broker.url], io), 0, io.text);
      const tookS = (performance.now() - started) / 1000;
      assert.match(io.text, /relearn museum\/balcony-2: ok\nlearning the home position for 6 s: keep the structure still/);
      assert.match(io.text, /new home learned \([\d.]+ s ago\): tilt [\d.e-]+° from it, threshold 0\.4°; the structure may move again\n$/);
      assert.ok(tookS >= 5, `it waited for the learning (${tookS.toFixed(1)} s), not only for the answer`);
    } finally {
      await configs.close();
      balcony.stop();
    }
  });

  it('walktest rides out a broker restart and still leaves walk-test mode at the end', async function () {
    node.mic = 'quiet';
    const io = new ScriptedIo(false);
    const running = walkTest(args('--minutes', '0.2'), io, TEST_DETECTOR_SPECS);
    await waitUntil(() => io.text.includes('walk test on'), 10_000, 'walk-test mode');
    await broker.restart();
    assert.equal(await running, 0, io.text);
    assert.match(io.text, /walk test over: cmd\/result ok/);
  });

  it('walktest says so and exits 1 when the broker is gone at the end, instead of hanging or exiting silently', async function () {
    const gone = await startEmbeddedBroker();
    const lone = new LiveNode({ brokerUrl: gone.url, site: 'museum', node: 'case-10', role: 'display_case', location: LOCATION }).start();
    try {
      const configs = await Observer.connect(gone.url, ['vitrine/museum/case-10/config']);
      await waitUntil(() => configs.messages.length > 0, 10_000, 'the node\'s retained config');
      await configs.close();
      const io = new ScriptedIo(false);
      const running = walkTest(['--node', 'case-10', '--broker', gone.url, '--minutes', '0.05'], io, TEST_DETECTOR_SPECS);
      await waitUntil(() => io.text.includes('walk test on'), 10_000, 'walk-test mode');
      lone.stop();
      await gone.stop();
      assert.equal(await running, 1, io.text);
      assert.match(io.text, /walk test over, but the node did not confirm leaving walk-test mode \(no answer from museum\/case-10 to cmd\/walktest .*\); it leaves it by itself 3 s after the start\ntest detections: none\n$/);
    } finally {
      lone.stop();
      await gone.stop();
    }
  });

  it('names what is wrong: an unknown node, a missing option, a bad duration', async function () {
    await assert.rejects(relearn(['--node', 'nobody', '--broker', broker.url], new ScriptedIo(false)),
      /no node nobody on mqtt:\/\/127\.0\.0\.1:\d+: nothing retained on vitrine\/\+\/nobody\/config/);
    await assert.rejects(calibrate(args(), new ScriptedIo(false), TEST_DETECTOR_SPECS), (e: unknown) => e instanceof UsageError && /--baseline is required/.test(e.message));
    await assert.rejects(calibrate(args('--baseline', 'soon'), new ScriptedIo(false), TEST_DETECTOR_SPECS), /--baseline: "soon" is not a duration/);
    await assert.rejects(walkTest(args('--minutes', '0'), new ScriptedIo(false), {}), /--minutes: a number of minutes above 0/);
    await assert.rejects(relearn(['--node', 'case-9', '--bogus'], new ScriptedIo(false)), /Unknown option '--bogus'/);
  });

  it('the npm script entry exits 2 with the usage on a usage error', async function () {
    const entry = fileURLToPath(new URL('../../simulator/cli/calibrate.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry, '--node', 'case-9'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--baseline is required\nusage: npm run calibrate/);
  });
});
