import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInXs } from '../helpers/xs/harness';
import { transportSession } from './cases/transport-session';

const entry = fileURLToPath(new URL('./entries/transport.entry.ts', import.meta.url));

describe('XS engine: MQTT transport and NVS storage', function () {
  this.timeout(60_000);

  it('run the same scripted session with the same result as under Node', async function () {
    const node = transportSession();
    const run = await runInXs(entry, [{ name: 'session' }]);
    assert.deepEqual(run.results[0]?.value, node);
    assert.ok(node.includes('message v/s/n1/cmd/walktest {"enable":true,"note":"été"}'), node.join('\n'));
    assert.ok(node.includes('lost done connection lost before acknowledgement (connection lost or refused)'));
    assert.deepEqual(node.filter((line) => line.startsWith('connected@')), ['connected@0', 'connected@1000']);
    assert.ok(node.includes('8  [{"topic":"v/s/n1/cmd/+","QoS":1}]'), 'resubscribed after the reconnect');
  });
});
