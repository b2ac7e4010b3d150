import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInXs, type XsRun } from '../helpers/xs/harness';
import { assertDeepClose } from '../helpers/close';
import { buildConfig, INSTALLER_SETTINGS } from '../helpers/device/build-config';
import { runBootCase, type BootCaseArg, type BootTranscript } from './cases/boot-case';

const entry = fileURLToPath(new URL('./entries/boot.entry.ts', import.meta.url));

const CASES: BootCaseArg[] = [
  { name: 'display-case', config: buildConfig('display-case', 'esp32') },
  { name: 'safe-mode', config: buildConfig('window', 'esp32', { ...INSTALLER_SETTINGS, label: '' }) },
  { name: 'balcony-silent', config: buildConfig('balcony', 'esp32', { ...INSTALLER_SETTINGS, node: 'bal-01' }) },
];

describe('XS engine: the device start-up (boot.ts) on the fake board', function () {
  this.timeout(120_000);
  let run: XsRun;

  before(async function () {
    run = await runInXs(entry, [
      ...CASES.map((arg) => ({ name: 'boot', arg })),
      { name: 'blocks', arg: 10 },
      { name: 'blocks', arg: 0, gcBefore: true },
      { name: 'blocks', arg: 200, gcBefore: true },
    ]);
  });

  it('decides the same mode and publishes and logs exactly the same inside XS as under Node', function () {
    CASES.forEach((arg, i) => {
      const node = runBootCase(arg);
      const xs = run.results[i]?.value as BootTranscript;
      assertDeepClose(xs, node, 1e-12, arg.name);
    });
    const [dc, safe, balcony] = CASES.map((arg, i) => run.results[i]?.value as BootTranscript);
    assert.equal(dc.mode, 'node');
    assert.ok(dc.messages.some((m) => m.topic.endsWith('/hb')));
    assert.equal(safe.mode, 'safe');
    assert.deepEqual(safe.problems, ['config.label: missing']);
    assert.deepEqual(safe.messages.filter((m) => m.topic.endsWith('/cmd/result')).map((m) => (m.payload as { ok: boolean }).ok),
      [false, false, true], 'walktest refused, config refused (no valid provisioning), reboot done');
    assert.equal(safe.restarts, 1, 'cmd/reboot restarts');
    assert.equal(balcony.mode, 'safe');
    assert.equal(balcony.restarts, 1, 'restarted once the chip answered');
  });

  it('allocates nothing per block in the watchdog feed\'s wrapper', function () {
    const [none, many] = run.results.slice(-2).map((r) => r.allocatedSlots);
    assert.equal(many, none);
  });
});
