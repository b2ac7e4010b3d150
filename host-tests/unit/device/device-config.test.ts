import assert from 'node:assert/strict';
import { parseDeviceConfig } from '../../../firmware/moddable/device-config';

const base = {
  site: 'louvre', node: 'dc-apollon-07', role: 'display_case', zone: 'apollon',
  building: 'Denon', floor: '1', room: 'Galerie d’Apollon', element: 'vitrine 7', label: 'Couronne',
  brokerHost: '10.20.0.5', brokerPort: 1883, keepaliveMs: 5000,
  accelPart: 'lis3dh', accelBus: 'i2c', accelRateHz: 1344, accelRangeG: 2, accelAddress: 0x18, accelIntPin: 4,
  i2cData: 21, i2cClock: 22, i2cHz: 400000, micPart: 'inmp441', sntp: 'pool.ntp.org, time.google.com',
};

describe('device: build configuration (mc/config) parsing', function () {
  it('turns a complete esp32 configuration into typed settings', function () {
    const result = parseDeviceConfig(base, 'esp32');
    assert.ok(result.ok, JSON.stringify(result));
    const c = result.config;
    assert.equal(c.role, 'display_case');
    assert.deepEqual(c.location, { building: 'Denon', floor: '1', room: 'Galerie d’Apollon', element: 'vitrine 7', label: 'Couronne' });
    assert.deepEqual(c.broker, { host: '10.20.0.5', port: 1883, keepaliveMs: 5000 });
    assert.deepEqual(c.accelerometer, { part: 'lis3dh', wiring: { bus: 'i2c', data: 21, clock: 22, hz: 400000, address: 0x18 },
      rateHz: 1344, rangeG: 2, interruptPin: 4 });
    assert.deepEqual(c.microphone, { part: 'inmp441' });
    assert.deepEqual(c.sntpHosts, ['pool.ntp.org', 'time.google.com']);
    assert.equal(c.replay, undefined);
    assert.equal(c.watchdogMs, 30000);
  });

  it('accepts the strings mcconfig key=value overrides produce; -1 means no interrupt pin', function () {
    const result = parseDeviceConfig({ ...base, brokerPort: '1884', accelIntPin: '-1', accelBus: 'spi', spiClock: '18',
      spiMiso: '19', spiMosi: '23', spiSelect: '5', spiHz: '5000000', spiPort: '2', accelPart: 'adxl345',
      accelRateHz: '1600' }, 'esp32');
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.config.broker.port, 1884);
    assert.equal(result.config.accelerometer.interruptPin, undefined);
    assert.deepEqual(result.config.accelerometer.wiring, { bus: 'spi', clock: 18, in: 19, out: 23, select: 5, hz: 5000000, port: 2 });
  });

  it('lists every problem with its key', function () {
    const result = parseDeviceConfig({ ...base, site: 'louvre/paris', role: 'door', brokerPort: '18x3', accelRangeG: 32,
      i2cData: undefined, micPart: 'none', building: '' }, 'esp32');
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors, [
      'config.site: "louvre/paris" is not 1 to 32 letters, digits, _ or - (it goes into MQTT topics)',
      'config.role: "door" is not one of display_case, window, balcony',
      'config.building: missing',
      'config.brokerPort: "18x3" is not an integer',
      'config.accelRangeG: 32 is outside 2..16',
      'config.i2cData: missing',
    ]);
    const noMic = parseDeviceConfig({ ...base, role: 'window', micPart: 'none' }, 'esp32');
    assert.deepEqual(!noMic.ok && noMic.errors, ['config.micPart: the window role needs a microphone']);
    const balcony = parseDeviceConfig({ ...base, role: 'balcony', micPart: 'none' }, 'esp32');
    assert.ok(balcony.ok && balcony.config.microphone === undefined, 'a balcony node runs without a microphone');
    const spi = parseDeviceConfig({ ...base, accelBus: 'spi', spiPort: 0 }, 'esp32');
    assert.ok(!spi.ok && spi.errors.includes('config.spiPort: 0 is outside 1..2'), 'SPI port 0 is the flash bus');
  });

  it('on lin, recordings replace the sensors and no pins are needed', function () {
    const lin = { ...base, accelBus: undefined, accelAddress: undefined, i2cData: undefined, i2cClock: undefined,
      i2cHz: undefined, micPart: undefined, replayAccelerometer: 'accel-ambient.wave', replayAccelFullScaleG: 2,
      replayMicrophone: 'mic-ambient.wave' };
    const result = parseDeviceConfig(lin, 'lin');
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.config.replay, { accelerometer: 'accel-ambient.wave', accelFullScaleG: 2, microphone: 'mic-ambient.wave' });
    assert.equal(result.config.accelerometer.wiring, undefined);
    const missing = parseDeviceConfig({ ...lin, replayMicrophone: undefined }, 'lin');
    assert.deepEqual(!missing.ok && missing.errors, ['config.replayMicrophone: missing']);
  });
});
