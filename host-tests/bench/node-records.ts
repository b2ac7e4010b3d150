/**
 * Prints (JSON) how many bytes the node's outbox records take in storage: a typical alert and a
 * sensor fault with the test location, and the worst case (longest location texts in non-ASCII
 * characters, 16 features with 40-character names). Run: npm run bench:node-records
 */
import { NodeRig } from '../helpers/node-rig';
import { utf8Length } from '../../firmware/node/stored-text';
import { AlertManager } from '../../firmware/node/alert-manager';
import { ROLE_DETECTORS_ENABLED, applyConfigChange, defaultConfig } from '../../firmware/node/config';
import { nodeTopics } from '../../firmware/node/protocol';
import { Outbox } from '../../firmware/node/outbox';
import { FakeTransport, ManualClock, MemoryLog, MemoryStorage } from '../helpers/node-fakes';
import { TEST_DETECTOR_SPECS } from '../helpers/test-pipelines';

function recordBytes(storage: MemoryStorage): number[] {
  return storage.keys().filter((k) => /^ob\d+$/.test(k)).sort().map((k) => utf8Length(storage.read(k)!));
}

// Typical: the rig's node with the broker down, a glass break and then a stuck microphone.
const rig = new NodeRig().start();
rig.transport.disconnect('bench');
rig.micSignal = 'loud';
rig.run(16);
rig.micSignal = 'flat';
rig.run(5000);
const [glassBreakBytes, sensorFaultBytes] = recordBytes(rig.storage);

// Worst case: every location text at its limit in 2-byte characters, 16 long feature names.
const provisioning = {
  site: 's'.repeat(32), node: 'n'.repeat(32), role: 'window' as const,
  location: { building: 'É'.repeat(64), floor: 'É'.repeat(64), room: 'É'.repeat(64), element: 'É'.repeat(64), label: 'É'.repeat(96) },
  zone: 'É'.repeat(64),
};
const context = { provisioning, specs: TEST_DETECTOR_SPECS, detectorDefaults: ROLE_DETECTORS_ENABLED };
const change = applyConfigChange({ config: defaultConfig(context), overrides: {} }, {}, 'merge', context);
if (!change.ok) throw new Error(change.errors.join('; '));
const clock = new ManualClock();
const storage = new MemoryStorage();
const outbox = new Outbox({
  storage, transport: new FakeTransport(clock), clock, log: new MemoryLog(), capacity: 4,
  overflowAlert: () => {
    throw new Error('not reached');
  },
});
const manager = new AlertManager({
  clock, storage, log: new MemoryLog(), topics: nodeTopics(provisioning.site, provisioning.node),
  identity: { site: provisioning.site, node: provisioning.node, incarnation: 'ffffffff', boot: 99999 },
  emit: (message) => outbox.add(message), onState: () => undefined,
});
manager.configure(change.config);
const features: Record<string, number> = {};
for (let i = 0; i < 16; i++) features[`${'f'.repeat(38)}${String(i).padStart(2, '0')}`] = -1234.56789 * (i + 1);
clock.advance(1e9);
manager.onDetections([{ type: 'grinder', onsetMs: 999_999_000, decidedMs: 1e9, score: 0.123456, features }]);
const [worstBytes] = recordBytes(storage);

console.log(JSON.stringify({ bench: 'node outbox record bytes', glassBreakBytes, sensorFaultBytes, worstBytes, limitBytes: 4000 }));
