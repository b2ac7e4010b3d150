/**
 * The build command as an installer runs it: spawned, with and without an SDK. The "SDK" in the last
 * test is a stand-in mcconfig script in a temporary MODDABLE tree that records its arguments, so the
 * command line the real mcconfig would get is checked without the SDK.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkSettings, findMcconfig, GETTING_STARTED_URL, parseArguments } from '../../simulator/cli/build-device';
import { REPO_ROOT } from '../../simulator/cli/manifests';

const SCRIPT = path.join(REPO_ROOT, 'simulator/cli/build-device.ts');
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const SETTINGS = ['site=louvre', 'node=dc-apollon-07', 'building=Denon', 'floor=1', 'room=Apollon', 'element=vitrine-7',
  'label=Couronne', 'brokerHost=10.20.0.5', 'ssid=musee', 'password=hunter2'];

function build(args: string[], env: Record<string, string | undefined> = {}): { status: number | null; stdout: string; stderr: string } {
  const childEnv = { ...process.env, MODDABLE: undefined, ...env };
  const run = spawnSync(TSX, [SCRIPT, ...args], { env: childEnv, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run build:device', function () {
  this.timeout(60_000);

  it('--help prints the usage, the roles and the installer\'s settings, and builds nothing', function () {
    const run = build(['--help']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^usage: npm run build:device -- --role /);
    assert.match(run.stdout, /--role ROLE +display-case, window, balcony, selfbench/);
    assert.match(run.stdout, /site, node, building, floor, room, element, label, brokerHost/);
    assert.equal(run.stderr, '');
  });

  it('without an SDK, exits non-zero naming MODDABLE and where to get the SDK', function () {
    const run = build(['--role', 'display-case', ...SETTINGS]);
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /the MODDABLE environment variable is not set/);
    assert.ok(run.stderr.includes(GETTING_STARTED_URL));
    assert.equal(findMcconfig(tmpdir()), undefined, 'a MODDABLE without built tools counts as no SDK');
  });

  it('rejects a missing or unknown role and an unknown platform with the choices', function () {
    assert.throws(() => parseArguments([]), /--role is required\nusage: npm run build:device -- --role display-case\|window\|balcony/);
    assert.throws(() => parseArguments(['--role', 'balcony', 'oops']), /unexpected argument 'oops'/);
    assert.throws(() => parseArguments(['--role']), /--role needs a value/);
    assert.deepEqual(parseArguments(['--role', 'display_case', 'a=b=c']),
      { role: 'display-case', platform: 'esp32', debug: false, settings: { a: 'b=c' } });
    const unknown = build(['--role', 'door']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown role 'door': expected one of display-case, window, balcony/);
    const platform = build(['--role', 'balcony', '--platform', 'esp8266']);
    assert.equal(platform.status, 2);
    assert.match(platform.stderr, /unknown platform 'esp8266': expected esp32, esp32\/TARGET \(e\.g\. esp32\/nodemcu\) or lin/);
  });

  it('lists every missing installer setting before building', function () {
    const run = build(['--role', 'window', 'site=louvre', 'brokerPort=abc']);
    assert.equal(run.status, 2);
    for (const line of ['config.node: missing', 'config.brokerHost: missing', 'config.brokerPort: "abc" is not an integer',
      'config.ssid: missing']) assert.ok(run.stderr.includes(line), `${line} in\n${run.stderr}`);
  });

  it('refuses a misspelled setting (naming the one meant) and sensor settings the driver would refuse at start', function () {
    const check = (...extra: string[]): string[] => checkSettings(parseArguments(['--role', 'window', '--platform', 'esp32/nodemcu', ...SETTINGS, ...extra]));
    assert.deepEqual(check(), []);
    assert.deepEqual(check('accelpart=adxl345'), ['config.accelpart: not a setting of this build (esp32/nodemcu, accelBus i2c); did you mean accelPart?']);
    assert.deepEqual(check('acelRateHz=800'), ['config.acelRateHz: not a setting of this build (esp32/nodemcu, accelBus i2c); did you mean accelRateHz?']);
    assert.deepEqual(check('spiHz=2000000'), ['config.spiHz: not a setting of this build (esp32/nodemcu, accelBus i2c)'], 'an SPI setting on an I2C build');
    assert.deepEqual(check('accelRangeG=3'), ['config.accelPart/accelRateHz/accelRangeG/accelBus: LIS3DH range 3 g is not one of 2, 4, 8, 16']);
    assert.deepEqual(check('accelPart=adxl345', 'accelAddress=83', 'accelRateHz=1600'),
      ['config.accelPart/accelRateHz/accelRangeG/accelBus: ADXL345 at 1600 Hz needs SPI at 2 MHz or more (data sheet, BW_RATE); over I2C use at most 800 Hz']);
    assert.deepEqual(check('accelPart=adxl345', 'accelBus=spi', 'accelRateHz=1600', 'spiClock=18', 'spiMiso=19', 'spiMosi=23', 'spiSelect=5', 'spiHz=1000000', 'spiPort=2'),
      ['config.accelPart/accelRateHz/accelRangeG/accelBus: ADXL345 at 1600 Hz needs an SPI clock of at least 2 MHz, got 1000000 Hz']);
    assert.deepEqual(check('accelPart=adxl345', 'accelBus=spi', 'accelRateHz=1600', 'spiClock=18', 'spiMiso=19', 'spiMosi=23', 'spiSelect=5', 'spiHz=4000000', 'spiPort=2'), []);
    // The desktop build replays recordings: no bus at all.
    assert.deepEqual(checkSettings(parseArguments(['--role', 'window', '--platform', 'lin', ...SETTINGS.filter((x) => !/^(ssid|password)=/.test(x)), 'accelBus=spi'])),
      ['config.accelBus: not a setting of this build (lin)']);
  });

  it('builds the self-benchmark with --role selfbench, asking only for what its report needs', function () {
    const request = parseArguments(['--role', 'selfbench', '--platform', 'lin']);
    assert.equal(request.role, 'selfbench');
    assert.deepEqual(checkSettings(request), [], 'no site, node or broker: the report goes to the log');
    assert.deepEqual(checkSettings(parseArguments(['--role', 'selfbench', 'node=bench 1', 'brokerHost=10.0.0.2', 'brokerPort=x'])), [
      'config.node: "bench 1" is not 1 to 32 letters, digits, _ or - (it goes into MQTT topics)',
      'config.brokerPort: "x" is not an integer',
      'config.ssid: missing (the report goes to brokerHost over Wi-Fi: ssid=NAME password=SECRET)',
    ]);
    const run = build(['--role', 'selfbench', '--platform', 'esp32/nodemcu', 'site=lab', 'node=bench-1', 'brokerHost=10.0.0.2']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /the selfbench configuration for esp32\/nodemcu is incomplete:\n {2}config\.ssid: missing/);
    assert.match(run.stderr, /e\.g\. site=\.\.\. node=\.\.\. brokerHost=\.\.\. ssid=\.\.\. password=\.\.\./);
  });

  it('runs mcconfig with the role manifest, platform and settings when MODDABLE names an SDK', function () {
    const sdk = mkdtempSync(path.join(tmpdir(), 'moddable-'));
    try {
      const bin = path.join(sdk, 'build/bin/lin/release');
      mkdirSync(bin, { recursive: true });
      const record = path.join(sdk, 'args.txt');
      writeFileSync(path.join(bin, 'mcconfig'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
      chmodSync(path.join(bin, 'mcconfig'), 0o755);
      const run = build(['--role', 'display_case', '--platform', 'esp32/nodemcu', '--debug', ...SETTINGS], { MODDABLE: sdk });
      assert.equal(run.status, 0, run.stderr);
      assert.ok(run.stdout.includes('password=***') && !run.stdout.includes('hunter2'), 'the password is not echoed');
      assert.deepEqual(readFileSync(record, 'utf8').trim().split('\n'),
        ['-d', '-m', '-p', 'esp32/nodemcu', path.join(REPO_ROOT, 'manifests/display-case.json'), ...SETTINGS]);
      const bench = build(['--role', 'selfbench', '--platform', 'lin', 'site=lab'], { MODDABLE: sdk });
      assert.equal(bench.status, 0, bench.stderr);
      assert.deepEqual(readFileSync(record, 'utf8').trim().split('\n'), ['-m', '-p', 'lin', path.join(REPO_ROOT, 'manifests/selfbench.json'), 'site=lab']);
    } finally {
      rmSync(sdk, { recursive: true, force: true });
    }
  });
});
