/**
 * The device's start-up (firmware/moddable/boot.ts) on a fake board: the real adapters, node and safe
 * mode against register-level chip fakes, the audio driver fake, a fake NVS and the ECMA-419 MQTT
 * client fake. Each case is one thing an installer can get wrong or a board can do.
 */
import assert from 'node:assert/strict';
import { bootDevice, SENSOR_RECHECK_MS } from '../../../firmware/moddable/boot';
import type { BootOutcome } from '../../../firmware/moddable/boot';
import { createFft, useFftFactory } from '../../../firmware/dsp/fft-factory';
import { FakePreference } from '../../helpers/device/fake-preference';
import { FakeDevice, type FakeDeviceOptions } from '../../helpers/device/fake-device';
import { buildConfig, INSTALLER_SETTINGS } from '../../helpers/device/build-config';
import type { WrittenPacket } from '../../helpers/device/fake-mqtt-client';
import { checkMessage } from '../../helpers/protocol-schemas';

const BASE = 'vitrine/louvre/dc-apollon-07/';

function boot(options: Partial<FakeDeviceOptions> & { config?: Record<string, unknown> } = {}): { device: FakeDevice; outcome: BootOutcome } {
  const device = new FakeDevice({ platform: 'esp32', config: options.config ?? buildConfig('display-case', 'esp32'), ...options });
  const outcome = bootDevice(device.io);
  return { device, outcome };
}

function published(device: FakeDevice, topic: string): WrittenPacket[] {
  return device.network.clients.flatMap((c) => c.packets).filter((p) => p.operation === 3 && p.topic === topic);
}

function command(device: FakeDevice, base: string, name: string, body: unknown): void {
  device.client.deliver(`${base}cmd/${name}`, new TextEncoder().encode(JSON.stringify(body)));
}

function answers(device: FakeDevice, base: string): Array<Record<string, unknown>> {
  return published(device, `${base}cmd/result`).map((p) => JSON.parse(p.payload ?? '') as Record<string, unknown>);
}

/** Every message published so far is valid against its schema in docs/schemas. */
function assertValidMessages(device: FakeDevice): void {
  for (const p of device.network.clients.flatMap((c) => c.packets)) {
    if (p.operation !== 3 || p.topic === undefined) continue;
    assert.deepEqual(checkMessage(p.topic, p.payload ?? ''), [], `${p.topic}: ${p.payload?.slice(0, 200)}`);
  }
}

describe('device start-up (boot.ts) on a fake board', function () {
  this.timeout(60_000);

  it('boots a display case on esp32: node online, sensors streaming, a leftover safe-mode report cleared, watchdog fed by blocks', function () {
    const { device, outcome } = boot({ sntpSeconds: 1_760_870_000 });
    assert.equal(outcome.mode, 'node');
    const client = device.client;
    assert.equal(client.options.host, '10.20.0.5');
    assert.equal(client.options.port, 1883);
    assert.deepEqual(client.options.will, { topic: `${BASE}status`, message: 'offline', QoS: 1, retain: true });
    client.accept();
    device.runOnline(6000);
    const topics = client.packets.filter((p) => p.operation === 3).map((p) => p.topic);
    assert.equal(topics[0], `${BASE}status`, 'the birth message comes first');
    assert.deepEqual(published(device, `${BASE}safemode`).map((p) => [p.payload, p.retain]), [['', true]]);
    assert.ok(topics.includes(`${BASE}config`) && topics.includes(`${BASE}hb`));
    const hb = JSON.parse(published(device, `${BASE}hb`).at(-1)?.payload ?? '') as { sensors: Record<string, { state: string; blocks: number }> };
    assert.equal(hb.sensors.microphone.state, 'ok');
    assert.equal(hb.sensors.accelerometer.state, 'ok');
    assert.ok(hb.sensors.microphone.blocks > 300 && hb.sensors.accelerometer.blocks > 200, JSON.stringify(hb.sensors));
    assert.match(device.log, /INFO display_case louvre\/dc-apollon-07: accelerometer lis3dh i2c at 1344 Hz, microphone inmp441; FFT TypeScript/);
    assert.match(device.log, /INFO clock synced by SNTP: 1760870000 s since 1970/);
    const firstHb = JSON.parse(published(device, `${BASE}hb`)[0]?.payload ?? '') as { ts: number | null };
    assert.ok(firstHb.ts !== null && firstHb.ts >= 1_760_870_000_000, 'heartbeats carry the synced time');
    device.runOnline(40_000);
    assert.deepEqual(device.restarts, [], 'blocks keep the watchdog fed');
    assert.deepEqual(published(device, `${BASE}alert`), [], 'a still accelerometer and the audio fake\'s sawtooth raise nothing');
    assertValidMessages(device);
  });

  it('installs the native FFT for the pipelines when the build has it, and names it in the log', function () {
    const made: number[] = [];
    try {
      const { device, outcome } = boot({ nativeFft: (size) => {
        made.push(size);
        return { size, bins: size / 2 + 1, forward: () => {}, power: () => {} };
      } });
      assert.equal(outcome.mode, 'node');
      assert.ok(outcome.parts.nativeFft);
      assert.match(device.log, /FFT native/);
      assert.equal(createFft(128).size, 128);
      assert.ok(made.includes(128), 'createFft now comes from the native factory');
    } finally {
      useFftFactory();
    }
  });

  it('enters safe mode for an invalid configuration and is reachable: status, the problems retained, node_fault ON, reboot', function () {
    const config = buildConfig('display-case', 'esp32', { ...INSTALLER_SETTINGS, node: 'dc apollon', brokerPort: 'abc' });
    const { device, outcome } = boot({ config });
    assert.equal(outcome.mode, 'safe');
    const base = 'vitrine/louvre/esp-240ac4123456/';
    assert.equal(device.client.options.port, 1883, 'an unusable port falls back to 1883 to stay reachable');
    device.client.accept();
    device.runOnline(100);
    const safe = JSON.parse(published(device, `${base}safemode`)[0]?.payload ?? '') as { problems: string[]; commands: string[] };
    assert.deepEqual(safe.problems, [
      'config.node: "dc apollon" is not 1 to 32 letters, digits, _ or - (it goes into MQTT topics)',
      'config.brokerPort: "abc" is not an integer',
    ]);
    assert.deepEqual(safe.commands, ['reboot']);
    assert.deepEqual(published(device, `${base}status`).map((p) => p.payload), ['online']);
    assert.deepEqual(published(device, `${base}state/node_fault`).map((p) => [p.payload, p.retain]), [['ON', true]]);
    assert.deepEqual(device.client.packets.find((p) => p.operation === 8)?.items, [{ topic: `${base}cmd/+`, QoS: 1 }]);
    assert.match(device.log, /ERROR SAFE MODE: the node is not running; 2 problem\(s\):\n.*ERROR {3}- config\.node/);
    command(device, base, 'walktest', { id: 'w-1', enable: true });
    command(device, base, 'config', { id: 'c-1', config: { zone: 'x' } });
    command(device, base, 'nonsense', { id: 'n-1' });
    device.client.deliver(`${base}cmd/reboot`, new TextEncoder().encode('{not json'));
    device.runOnline(100);
    const refused = answers(device, base);
    assert.deepEqual(refused.map((a) => [a.id, a.command, a.ok]), [['w-1', 'walktest', false], ['c-1', 'config', false],
      ['n-1', 'nonsense', false], [null, 'reboot', false]]);
    assert.match(String(refused[0].error), /^safe mode: cmd\/walktest needs the running node; 2 problem\(s\)/);
    assert.match(String(refused[1].error), /^safe mode: cmd\/config cannot be checked: config\.node/);
    assert.deepEqual(device.restarts, []);
    command(device, base, 'reboot', { id: 'r-1', reason: 'installer' });
    device.run(10);
    assert.deepEqual(device.restarts, [], 'not before the answer is acknowledged');
    device.acknowledge();
    assert.equal(device.restarts.length, 1);
    assert.deepEqual(answers(device, base).at(-1), { v: 1, id: 'r-1', command: 'reboot', ok: true, uptimeMs: 200, ts: null });
    assertValidMessages(device);
  });

  it('without a broker, safe mode traces the problems every minute and the watchdog does not reboot it', function () {
    const config = buildConfig('balcony', 'esp32', { site: 'louvre' });
    const { device, outcome } = boot({ config });
    assert.equal(outcome.mode, 'safe');
    assert.equal(device.network.clients.length, 0);
    device.run(125_000);
    assert.equal(device.log.match(/SAFE MODE/g)?.length, 3);
    assert.match(device.log, /config\.brokerHost: missing/);
    assert.match(device.log, /safe mode: no broker configured \(brokerHost\)/);
    assert.deepEqual(device.restarts, []);
  });

  it('in safe mode for a build problem, checks and stores cmd/config, which the node then starts with', function () {
    const preference = new FakePreference();
    const { device, outcome } = boot({ audioIn: false, preference });
    assert.equal(outcome.mode, 'safe');
    assert.deepEqual(outcome.mode === 'safe' ? outcome.problems : [],
      ['build: micPart=inmp441 but the build has no embedded:io/audio/in: include $(MODDABLE)/modules/io/audioin/manifest.json']);
    device.client.accept();
    device.runOnline(100);
    command(device, BASE, 'config', { id: 'c-1', config: { health: { heartbeatMs: 500 } } });
    command(device, BASE, 'config', { id: 'c-2', config: { zone: 'vault', alerts: { cooldownMs: { grinder: 60000 } } } });
    device.runOnline(100);
    const [bad, good] = answers(device, BASE);
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.errors, ['config.health.heartbeatMs: 500 ms is outside 1000..60000 ms']);
    assert.deepEqual(good, { v: 1, id: 'c-2', command: 'config', ok: true, uptimeMs: good.uptimeMs, ts: null,
      changed: ['config.zone', 'config.alerts.cooldownMs.grinder'] });
    assertValidMessages(device);
    // The audio module is back (a fixed build): the node starts with the stored configuration.
    const next = boot({ preference });
    assert.equal(next.outcome.mode, 'node');
    next.device.client.accept();
    next.device.runOnline(100);
    const retained = JSON.parse(published(next.device, `${BASE}config`)[0]?.payload ?? '') as { zone: string; alerts: { cooldownMs: { grinder: number } } };
    assert.equal(retained.zone, 'vault');
    assert.equal(retained.alerts.cooldownMs.grinder, 60000);
  });

  it('enters safe mode when the sensor cannot be built as configured (ADXL345 at 1600 Hz over I2C), named by its settings', function () {
    const config = buildConfig('window', 'esp32', { ...INSTALLER_SETTINGS, accelPart: 'adxl345', accelAddress: '83', accelRateHz: '1600' });
    const { device, outcome } = boot({ config, chip: 'adxl345' });
    assert.equal(outcome.mode, 'safe');
    // The settings are checked with the driver's own rule before anything starts (device-config.ts; the build checks it too).
    assert.deepEqual(outcome.mode === 'safe' ? outcome.problems : [], ['config.accelPart/accelRateHz/accelRangeG/accelBus: ADXL345 at 1600 Hz ' +
      'needs SPI at 2 MHz or more (data sheet, BW_RATE); over I2C use at most 800 Hz']);
    assert.equal(device.audio?.started, false, 'nothing was started before the decision');
    device.client.accept();
    device.runOnline(100);
    // A build-time setting is wrong: the node takes only reboot (the cure is to build and flash it again).
    assert.deepEqual((JSON.parse(published(device, `${BASE}safemode`)[0]?.payload ?? '') as { commands: string[] }).commands, ['reboot']);
  });

  it('runs a display case without its accelerometer when the chip does not answer, and reports it as a sensor fault', function () {
    // Something else at the address: WHO_AM_I reads 0x00.
    const silent = new FakeDevice({ platform: 'esp32', config: buildConfig('display-case', 'esp32') });
    if (silent.chip !== undefined && 'whoAmI' in silent.chip) silent.chip.whoAmI = 0x00;
    const degraded = bootDevice(silent.io);
    assert.equal(degraded.mode, 'node');
    assert.match(silent.log, /WARN accelerometer: LIS3DH not found at I2C address 0x18: WHO_AM_I \(0x0F\) read 0x00, expected 0x33; the node runs without it/);
    silent.client.accept();
    silent.runOnline(8000);
    const faults = published(silent, `${BASE}alert`).map((p) => JSON.parse(p.payload ?? '') as { type: string; fault: { codes: string[] } });
    assert.deepEqual(faults.map((a) => [a.type, a.fault.codes]), [['sensor_fault', ['no_data', 'missing_chip']]]);
    silent.runOnline(60_000);
    assert.deepEqual(silent.restarts, [], 'the microphone keeps the watchdog fed; the missing chip does not reboot the node');
  });

  it('stays in safe mode while a balcony\'s only sensor does not answer, and restarts once it does', function () {
    const device = new FakeDevice({ platform: 'esp32', config: buildConfig('balcony', 'esp32', { ...INSTALLER_SETTINGS, node: 'bal-01' }) });
    const chip = device.chip;
    assert.ok(chip !== undefined && 'whoAmI' in chip);
    chip.whoAmI = 0x00;
    const outcome = bootDevice(device.io);
    assert.equal(outcome.mode, 'safe');
    assert.deepEqual(outcome.mode === 'safe' ? outcome.problems : [],
      ['accelerometer: LIS3DH not found at I2C address 0x18: WHO_AM_I (0x0F) read 0x00, expected 0x33 (no other sensor would run)']);
    device.client.accept();
    device.runOnline(2 * SENSOR_RECHECK_MS + 100);
    assert.deepEqual(device.restarts, []);
    chip.whoAmI = 0x33;
    device.runOnline(SENSOR_RECHECK_MS);
    assert.equal(device.restarts.length, 1);
    assert.match(device.log, /rebooting: safe mode: the sensor answers again/);
  });

  it('restarts through the watchdog when every sensor stops delivering without reporting a fault', function () {
    const config = buildConfig('display-case', 'esp32', { ...INSTALLER_SETTINGS, watchdogMs: '10000' });
    const { device, outcome } = boot({ config });
    assert.equal(outcome.mode, 'node');
    device.client.accept();
    device.runOnline(3000);
    // The audio task and the chip's interrupt stop: the driver callbacks never come again.
    const audio = device.audio;
    const chip = device.chip;
    assert.ok(audio !== undefined && chip !== undefined);
    audio.held = true;
    chip.interrupt.held = true;
    const end = device.clock.nowMs + 14_000;
    for (let t = device.clock.nowMs + 1; t <= end && device.restarts.length === 0; t++) {
      device.clock.advanceTo(t);
    }
    assert.equal(device.restarts.length, 1);
    assert.match(device.log, /restarting: watchdog: main loop silent for 1\d{4} ms \(limit 10000 ms\)/);
  });

  it('falls back to safe mode when the node\'s start throws, with the sources and the first session stopped', function () {
    const preference = new FakePreference();
    const get = preference.get.bind(preference);
    preference.get = (domain, key) => {
      if (key === 'inc') throw new Error('nvs_get_str failed');
      return get(domain, key);
    };
    const { device, outcome } = boot({ preference });
    assert.equal(outcome.mode, 'safe');
    assert.deepEqual(outcome.mode === 'safe' ? outcome.problems : [], ['start: nvs_get_str failed']);
    assert.equal(device.network.clients.length, 1, 'the node never opened its session: start threw before');
    assert.ok(device.chip !== undefined && !device.chip.streaming, 'the accelerometer was powered down again');
    assert.ok(device.audio !== undefined && !device.audio.started, 'the microphone was stopped');
    device.client.accept();
    device.runOnline(100);
    const safe = JSON.parse(published(device, `${BASE}safemode`)[0]?.payload ?? '') as { commands: string[] };
    assert.deepEqual(safe.commands, ['reboot', 'config']);
  });
});
