import assert from 'node:assert/strict';
import {
  bootSettings, capabilityProblems, nodeIdFromBoard, planBoot, provisioningOf, safeModeTarget, UNPROVISIONED_SITE, type BuildCapabilities,
} from '../../../firmware/moddable/boot-plan';
import { parseDeviceConfig } from '../../../firmware/moddable/device-config';
import { buildConfig, INSTALLER_SETTINGS } from '../../helpers/device/build-config';

const FULL: BuildCapabilities = { mqttClient: true, smbus: true, spi: true, digital: true, audioIn: true, resourceExists: () => true };

describe('boot plan (boot-plan.ts)', function () {
  it('runs the node when the configuration and the build are complete', function () {
    const plan = planBoot(buildConfig('window', 'esp32'), 'esp32', FULL, 'esp-1');
    assert.equal(plan.mode, 'node');
    assert.deepEqual(plan.mode === 'node' ? plan.provisioning : undefined, {
      site: 'louvre', node: 'dc-apollon-07', role: 'window',
      location: { building: 'Denon', floor: '1', room: "Galerie d'Apollon", element: 'vitrine 7', label: 'Couronne' },
    });
  });

  it('lists everything the build lacks for the configuration, naming what to include', function () {
    const parsed = parseDeviceConfig(buildConfig('display-case', 'esp32', { ...INSTALLER_SETTINGS, accelBus: 'spi' }), 'esp32');
    assert.ok(parsed.ok);
    assert.deepEqual(capabilityProblems(parsed.config, 'esp32', { ...FULL, mqttClient: false, spi: false, digital: false, audioIn: false }), [
      'build: no ECMA-419 MQTT client (device.network.mqtt): include $(MODDABLE)/examples/io/tcp/mqttclient/manifest_mqttclient.json',
      'build: accelBus=spi but device.io has no SPI class',
      'build: accelIntPin=4 but device.io has no Digital class (accelIntPin=-1 polls instead)',
      'build: micPart=inmp441 but the build has no embedded:io/audio/in: include $(MODDABLE)/modules/io/audioin/manifest.json',
    ]);
    const lin = parseDeviceConfig(buildConfig('window', 'lin'), 'lin');
    assert.ok(lin.ok);
    assert.deepEqual(capabilityProblems(lin.config, 'lin', { ...FULL, resourceExists: (name) => name.endsWith('mic.wave') }), [
      "config.replayAccelerometer: no resource 'window-accel.wave' in the build (manifests/resources/, npm run build:resources)",
    ]);
  });

  it('falls back to safe mode with a reachable identity when the configuration is unusable', function () {
    const plan = planBoot(buildConfig('balcony', 'esp32', { site: 'Louvre Paris', brokerHost: 'broker.local', brokerPort: '8883',
      mqttUser: 'node', mqttPassword: 'pw', keepaliveMs: '2000' }), 'esp32', FULL, nodeIdFromBoard('24:0A:C4:12:34:56'));
    assert.equal(plan.mode, 'safe');
    assert.deepEqual(plan.mode === 'safe' ? plan.target : undefined, {
      site: UNPROVISIONED_SITE, node: 'esp-240ac4123456',
      broker: { host: 'broker.local', port: 8883, keepaliveMs: 2000, user: 'node', password: 'pw' },
    });
    assert.equal(plan.mode === 'safe' ? plan.provisioning : 'x', undefined);
    assert.deepEqual(safeModeTarget({}, 'esp-unknown'), { site: UNPROVISIONED_SITE, node: 'esp-unknown', broker: undefined });
    assert.equal(nodeIdFromBoard(undefined), 'esp-unknown');
  });

  it('refuses a provisioning the node would refuse (a label too long for alerts), keeping it out of safe mode\'s cmd/config', function () {
    const plan = planBoot(buildConfig('window', 'esp32', { ...INSTALLER_SETTINGS, label: 'x'.repeat(97) }), 'esp32', FULL, 'esp-1');
    assert.equal(plan.mode, 'safe');
    assert.equal(plan.mode === 'safe' ? plan.provisioning : 'x', undefined);
    assert.match(plan.mode === 'safe' ? plan.problems.join('\n') : '', /provisioning\.location\.label/);
  });

  it('reads the log level and the watchdog even from a broken configuration', function () {
    assert.deepEqual(bootSettings({ logLevel: 'debug', watchdogMs: '5000' }), { logLevel: 'debug', watchdogMs: 5000 });
    assert.deepEqual(bootSettings({ logLevel: 'loud', watchdogMs: '12' }), { logLevel: 'info', watchdogMs: 30000 });
  });

  it('passes the zone and broker credentials on to the node\'s provisioning', function () {
    const parsed = parseDeviceConfig(buildConfig('window', 'esp32', { ...INSTALLER_SETTINGS, zone: 'apollon', mqttUser: 'u', mqttPassword: 'p' }), 'esp32');
    assert.ok(parsed.ok);
    const provisioning = provisioningOf(parsed.config);
    assert.equal(provisioning.zone, 'apollon');
    assert.deepEqual(provisioning.mqtt, { username: 'u', password: 'p' });
  });
});
