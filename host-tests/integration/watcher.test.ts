// The monitor's and the demo's subscriber (simulator/monitor/watch.ts) against the embedded broker going
// away and coming back: it reconnects, subscribes again, and says each trouble once per outage.
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import { Watcher } from '../../simulator/monitor/watch';
import type { Seen } from '../../simulator/monitor/watch';
import { waitUntil } from '../helpers/mqtt-probe';

describe('Watcher (monitor and demo subscriber) across a broker outage', function () {
  this.timeout(30_000);

  it('retrying every 50 ms, reports the loss and the refusal once, then that it is back, and receives again', async function () {
    const broker = await startEmbeddedBroker();
    const troubles: string[] = [];
    const seen: Seen[] = [];
    const watcher = await Watcher.open({ url: broker.url, site: 's', reconnectPeriodMs: 50, onMessage: (s) => seen.push(s), onTrouble: (t) => troubles.push(t) });
    try {
      await broker.down();
      // About 30 reconnection attempts while the broker is away.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await broker.up();
      await waitUntil(() => troubles.some((t) => /connected again after \d+\.\d s$/.test(t)) && watcher.subscribed, 10_000, 'the watcher back');
      const url = broker.url;
      assert.equal(troubles.filter((t) => t === `${url}: connection lost; reconnecting`).length, 1, troubles.join('\n'));
      assert.ok(troubles.filter((t) => /ECONNREFUSED/.test(t)).length <= 1, troubles.join('\n'));
      assert.ok(troubles.length <= 3, `at most lost, refused and back:\n${troubles.join('\n')}`);
      const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
      await client.publishAsync('vitrine/s/n1/status', 'online', { qos: 1 });
      await client.endAsync();
      await waitUntil(() => seen.some((s) => s.topic === 'vitrine/s/n1/status'), 5000, 'a message after the outage');
    } finally {
      await watcher.close();
      await broker.stop();
    }
  });
});
