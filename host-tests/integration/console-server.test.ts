/**
 * The console server: what it serves, and its WebSocket-to-TCP bridge to real brokers (the embedded
 * aedes broker and Mosquitto 2 on TCP only, and Mosquitto over TLS with a site's own CA), exercised with
 * MQTT.js over WebSocket as the page uses it.
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import { startMosquitto } from '../../simulator/broker/mosquitto';
import type { BrokerHandle } from '../../simulator/broker/types';
import { startRunConsole } from '../../simulator/console/run-console';
import { startConsoleServer } from '../../simulator/console/server';
import { loadScenarioFile } from '../../simulator/scenario/load';
import type { SitePlan } from '../../simulator/console/shared/site-plan';
import { Observer, waitUntil } from '../helpers/mqtt-probe';
import { makeTestCertificates } from '../helpers/tls-certs';

const PLAN: SitePlan = {
  id: 'museum', name: 'Hall </script><script>alert(1)</script>',
  rooms: [{ id: 'hall', name: 'Hall', floor: '0', outline: [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 4 }] }],
  nodes: [],
};

/**
 * The page's side through a bridge: MQTT.js over WebSocket gets a retained status published on the broker,
 * and its command reaches the broker's observer.
 */
async function pageRoundTrip(brokerWsUrl: string, observer: Observer): Promise<{ browserLike: mqtt.MqttClient; received: string[] }> {
  await observer.client.publishAsync('vitrine/museum/n1/status', 'online', { qos: 1, retain: true });
  const browserLike = await mqtt.connectAsync(brokerWsUrl, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
  const received: string[] = [];
  browserLike.on('message', (topic, payload) => received.push(`${topic}=${payload.toString()}`));
  await browserLike.subscribeAsync('vitrine/museum/+/#', { qos: 1 });
  await waitUntil(() => received.includes('vitrine/museum/n1/status=online'), 5000, 'the retained status through the bridge');
  await observer.client.subscribeAsync('vitrine/museum/n1/cmd/+', { qos: 1 });
  await browserLike.publishAsync('vitrine/museum/n1/cmd/relearn', '{"id":"x"}', { qos: 1 });
  await observer.waitFor('vitrine/museum/n1/cmd/relearn', '{"id":"x"}', 5000);
  return { browserLike, received };
}

describe('console server', function () {
  this.timeout(30_000);

  it('serves the page with its configuration embedded safely, the bundled script, MQTT.js and the styles', async function () {
    const server = await startConsoleServer({ brokerWsUrl: 'ws://127.0.0.1:1/mqtt', plan: PLAN });
    try {
      const page = await fetch(server.url);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.ok(!html.includes('</script><script>alert(1)'), 'text from the plan cannot close the script element');
      const json = /<script id="console-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
      const config = JSON.parse(json ?? '') as { plan: SitePlan; brokerWsUrl: string; siteId: string; title: string };
      assert.equal(config.plan.name, PLAN.name);
      assert.equal(config.brokerWsUrl, 'ws://127.0.0.1:1/mqtt');
      assert.equal(config.siteId, 'museum');
      assert.match(html, /<title>Vitrine — Hall &#60;\/script&#62;/);
      const script = await (await fetch(`${server.url}app.js`)).text();
      assert.ok(script.length > 50_000, 'the console and uPlot in one bundle');
      assert.match(script, /uplot|uPlot/);
      const mqttScript = await fetch(`${server.url}mqtt.min.js`);
      assert.match(mqttScript.headers.get('content-type') ?? '', /javascript/);
      assert.match(await mqttScript.text(), /var mqtt=/);
      const css = await (await fetch(`${server.url}app.css`)).text();
      assert.match(css, /\.node-marker\.dead/);
      assert.match(css, /\.uplot/, 'uPlot\'s styles are served with the console\'s');
      assert.equal((await fetch(`${server.url}nothing`)).status, 404);
      assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
    } finally {
      await server.stop();
    }
  });

  it('refuses a configuration without a broker, or with a WebSocket URL as the TCP broker', async function () {
    await assert.rejects(startConsoleServer({}), /give brokerWsUrl \(ws:\/\/…\) or brokerUrl/);
    await assert.rejects(startConsoleServer({ brokerUrl: 'ws://x:1/mqtt' }), /is a WebSocket URL: pass it as brokerWsUrl/);
    await assert.rejects(startConsoleServer({ brokerWsUrl: 'mqtt://x:1' }), /brokerWsUrl must be ws:\/\/ or wss:\/\//);
    await assert.rejects(startConsoleServer({ brokerWsUrl: 'ws://x:1/mqtt', plan: PLAN, scenario: { site: { id: 's', name: 'S', plan: { rooms: [] } }, nodes: [] } }),
      /give plan or scenario, not both/);
  });

  it('starts next to a simulator run: the broker\'s WebSocket listener when it has one, else the bridge', async function () {
    const scenario = loadScenarioFile('smoke');
    const withWs = await startEmbeddedBroker({ wsPort: 0 });
    const tcpOnly = await startEmbeddedBroker();
    try {
      const direct = await startRunConsole({ broker: withWs, scenario });
      const bridged = await startRunConsole({ broker: tcpOnly, scenario });
      try {
        assert.equal(direct.brokerWsUrl, withWs.wsUrl);
        assert.match(bridged.brokerWsUrl, /^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
        const html = await (await fetch(direct.url)).text();
        const config = JSON.parse(/<script id="console-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? '') as
          { plan: SitePlan; specs: Record<string, unknown>; roleDefaults: Record<string, unknown> };
        assert.equal(config.plan.id, scenario.site.id);
        assert.deepEqual(config.plan.nodes.map((n) => n.id), scenario.nodes.map((n) => n.id));
        assert.deepEqual(Object.keys(config.specs).sort(), ['glassBreak', 'grinder', 'impact', 'tilt']);
        assert.ok('balcony' in config.roleDefaults);
      } finally {
        await direct.stop();
        await bridged.stop();
      }
    } finally {
      await withWs.stop();
      await tcpOnly.stop();
    }
  });

  const brokers: Array<{ name: string; start: () => Promise<BrokerHandle> }> = [
    { name: 'the embedded aedes broker', start: () => startEmbeddedBroker() },
    { name: 'Mosquitto 2', start: () => startMosquitto() },
  ];
  for (const { name, start } of brokers) {
    it(`bridges the page's MQTT over WebSocket to ${name} on TCP, retained messages included`, async function () {
      const broker = await start();
      const server = await startConsoleServer({ brokerUrl: broker.url });
      const observer = await Observer.connect(broker.url);
      try {
        assert.match(server.brokerWsUrl, /^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
        const { browserLike, received } = await pageRoundTrip(server.brokerWsUrl, observer);
        await observer.client.publishAsync('vitrine/museum/n1/alert', '{"id":"a"}', { qos: 1 });
        await waitUntil(() => received.includes('vitrine/museum/n1/alert={"id":"a"}'), 5000, 'an alert through the bridge');
        let closed = false;
        browserLike.on('close', () => {
          closed = true;
        });
        await server.stop();
        await waitUntil(() => closed, 5000, 'the bridged session to close with the server');
        await browserLike.endAsync(true);
      } finally {
        await observer.close();
        await server.stop();
        await broker.stop();
      }
    });
  }

  it('bridges to Mosquitto over TLS (mqtts://) trusting the site\'s CA, and refuses a broker whose certificate it cannot verify', async function () {
    const certs = makeTestCertificates();
    const broker = await startMosquitto({ tls: { certFile: certs.certFile, keyFile: certs.keyFile } });
    const tlsUrl = broker.tlsUrl ?? assert.fail('no TLS listener');
    const trusting = await startConsoleServer({ brokerUrl: tlsUrl, brokerCa: certs.caPem });
    const untrusting = await startConsoleServer({ brokerUrl: tlsUrl });
    const observer = await Observer.connect(broker.url);
    try {
      const { browserLike } = await pageRoundTrip(trusting.brokerWsUrl, observer);
      await browserLike.endAsync();
      // Without the CA (the same broker, the same page client) the certificate does not verify: the bridge
      // drops the page's connection before any CONNACK.
      const refused = mqtt.connect(untrusting.brokerWsUrl, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
      const outcome = await new Promise<string>((resolve) => {
        refused.once('connect', () => resolve('connected'));
        refused.once('close', () => resolve('closed'));
      });
      refused.end(true);
      assert.equal(outcome, 'closed', 'a broker certificate from an unknown CA must not be accepted');
      await assert.rejects(startConsoleServer({ brokerUrl: broker.url, brokerCa: certs.caPem }), /brokerCa is for an mqtts:\/\/ broker/);
    } finally {
      await observer.close();
      await trusting.stop();
      await untrusting.stop();
      await broker.stop();
      certs.remove();
    }
  });
});
