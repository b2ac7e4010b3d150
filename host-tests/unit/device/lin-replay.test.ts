/**
 * The lin build's replay recordings (manifests/resources/*.wave): what build:resources renders from the
 * signal library, byte for byte, and what the firmware makes of them — each role booted for lin on the
 * fake board, replaying its recordings through the real node, raises the alerts the recording stages.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bootDevice } from '../../../firmware/moddable/boot';
import { parseWav } from '../../../firmware/moddable/wav';
import { BALCONY_TIMELINE, CASE_TIMELINE, RECORDINGS, renderRecordings } from '../../../simulator/cli/recordings';
import { RESOURCES_DIR } from '../../../simulator/cli/build-resources';
import { mergedManifest, roleManifestFile, type RoleName } from '../../../simulator/cli/manifests';
import { FakeDevice } from '../../helpers/device/fake-device';
import { buildConfig } from '../../helpers/device/build-config';
import { checkMessage } from '../../helpers/protocol-schemas';

function committed(file: string): Uint8Array {
  const bytes = readFileSync(path.join(RESOURCES_DIR, file));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface PublishedAlert {
  type: string;
  severity: string;
  onsetUptimeMs: number;
  corroborated: string[];
}

function replay(role: RoleName, ms: number): { alerts: PublishedAlert[]; device: FakeDevice } {
  const resources = Object.fromEntries(RECORDINGS.map((r) => [r.file, committed(r.file)]));
  const device = new FakeDevice({ platform: 'lin', config: buildConfig(role, 'lin'), resources });
  const outcome = bootDevice(device.io);
  assert.equal(outcome.mode, 'node', outcome.mode === 'safe' ? outcome.problems.join('; ') : '');
  device.client.accept();
  device.runOnline(ms);
  const packets = device.client.packets.filter((p) => p.operation === 3);
  for (const p of packets) assert.deepEqual(checkMessage(p.topic ?? '', p.payload ?? ''), []);
  const alerts = packets.filter((p) => p.topic?.endsWith('/alert')).map((p) => JSON.parse(p.payload ?? '') as PublishedAlert);
  return { alerts, device };
}

describe('lin replay recordings (npm run build:resources)', function () {
  this.timeout(60_000);

  it('are committed exactly as the signal library renders them from the seed', function () {
    const rendered = renderRecordings();
    assert.deepEqual([...rendered.keys()].sort(), RECORDINGS.map((r) => r.file).sort());
    for (const [file, bytes] of rendered) {
      assert.ok(Buffer.compare(Buffer.from(committed(file)), Buffer.from(bytes)) === 0, `${file} differs from what build:resources renders`);
    }
  });

  it('are what each role\'s lin manifest names, in the replay source\'s format', function () {
    for (const recording of RECORDINGS) {
      const layout = parseWav(committed(recording.file), recording.file);
      const accel = recording.file.includes('-accel');
      assert.equal(layout.channels, accel ? 3 : 1, recording.file);
      assert.equal(layout.rateHz, accel ? 1600 : 16000, recording.file);
      assert.equal(layout.frames, recording.durationS * layout.rateHz, recording.file);
      const role = recording.file.replace(/-(mic|accel)\.wave$/, '') as RoleName;
      const config = mergedManifest(roleManifestFile(role), 'lin').config;
      assert.equal(config[accel ? 'replayAccelerometer' : 'replayMicrophone'], recording.file);
      if (accel) assert.equal(config.replayAccelFullScaleG, recording.fullScale, `${recording.file}: the manifest's full scale`);
    }
  });

  for (const role of ['display-case', 'window'] as const) {
    it(`make a ${role} node raise what they stage: blows, the grinder, the break corroborated by its blow`, function () {
      const { alerts, device } = replay(role, CASE_TIMELINE.durationS * 1000 + 2000);
      const first = (type: string): PublishedAlert | undefined => alerts.find((a) => a.type === type);
      const impact = first('impact');
      const grinder = first('grinder');
      const glass = first('glass_break');
      assert.ok(impact !== undefined && grinder !== undefined && glass !== undefined, JSON.stringify(alerts));
      assert.ok(Math.abs(impact.onsetUptimeMs - CASE_TIMELINE.blowsS * 1000) < 100, `blows from ${CASE_TIMELINE.blowsS} s`);
      assert.ok(grinder.onsetUptimeMs >= CASE_TIMELINE.grinderS[0] * 1000 && grinder.onsetUptimeMs < CASE_TIMELINE.grinderS[1] * 1000);
      assert.ok(Math.abs(glass.onsetUptimeMs - CASE_TIMELINE.breakS * 1000) < 100, `the break at ${CASE_TIMELINE.breakS} s`);
      assert.deepEqual([glass.severity, glass.corroborated], ['critical', ['impact']]);
      assert.deepEqual(alerts.filter((a) => a.type === 'sensor_fault' || a.type === 'node_fault'), []);
      assert.deepEqual(device.restarts, []);
    });
  }

  it('make a balcony node raise a tilt alert for the ladder, and nothing before it', function () {
    const { alerts } = replay('balcony', BALCONY_TIMELINE.durationS * 1000);
    assert.deepEqual(alerts.map((a) => a.type), ['tilt']);
    assert.ok(alerts[0].onsetUptimeMs >= BALCONY_TIMELINE.ladderS * 1000 && alerts[0].onsetUptimeMs < BALCONY_TIMELINE.ladderS * 1000 + 1000);
  });
});
