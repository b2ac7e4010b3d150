import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleOptions } from '../../../simulator/console/cli-options';
import { loadScenarioPlan, loadSiteFile, parseSiteFile } from '../../../simulator/console/site-file';

const shippedSiteFile = fileURLToPath(new URL('../../../simulator/console/sites/louvre-apollo.site.json', import.meta.url));

describe('console site files and options', function () {
  it('reads the shipped Louvre site file: the same plan as the scenario', function () {
    const fromFile = loadSiteFile(shippedSiteFile);
    const fromScenario = loadScenarioPlan('louvre-apollo');
    assert.deepEqual(fromFile, fromScenario);
    assert.equal(fromFile.id, 'louvre');
    assert.equal(fromFile.nodes.length, 5);
    const apollo = fromFile.rooms.find((r) => r.id === 'apollo');
    assert.deepEqual(apollo?.outline, [{ x: 0, y: 0 }, { x: 9.5, y: 0 }, { x: 9.5, y: 61 }, { x: 0, y: 61 }], 'a rect becomes its corners');
  });

  it('lists every problem of a bad site file with its path', function () {
    assert.throws(() => parseSiteFile({
      format: 'vitrine-site/0', extra: 1,
      site: { id: 'x', name: 'X', plan: { rooms: [{ id: 'r', name: 'R', floor: '0', rect: { x: 0, y: 0, widthM: 5, heightM: 5 } }] } },
      nodes: [{ id: 'n', role: 'window', location: { building: 'b', floor: '0', room: 'R', element: 'e', label: 'l' }, position: { x: 50, y: 50 },
        mounting: { surface: 'glass', orientation: 'vertical' } }],
    }, 'bad.json'), (error: Error) => {
      assert.match(error.message, /^bad\.json: 3 problems/);
      assert.match(error.message, /extra: unknown key \(allowed: format, site, nodes\)/);
      assert.match(error.message, /format: must be "vitrine-site\/1", got "vitrine-site\/0"/);
      assert.match(error.message, /nodes\[0\]\.position: .*room/);
      return true;
    });
    assert.throws(() => parseSiteFile([], 'list.json'), /list\.json: 1 problem\n {2}\(document\): must be a JSON object/);
  });

  it('reports a file that cannot be read or is not JSON, naming it', function () {
    const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-site-'));
    try {
      const file = path.join(directory, 'broken.json');
      writeFileSync(file, '{ "format": ');
      assert.throws(() => loadSiteFile(file), /broken\.json: 1 problem\n.*not valid JSON/);
      assert.throws(() => loadSiteFile(path.join(directory, 'missing.json')), /cannot read site file .*missing\.json/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('connects the page to a WebSocket broker directly, and bridges a TCP broker unless --ws is given', function () {
    const ws = consoleOptions(['--broker', 'ws://broker:9001/mqtt', '--port', '0']);
    assert.equal(ws.brokerWsUrl, 'ws://broker:9001/mqtt');
    assert.equal(ws.brokerUrl, undefined);
    assert.equal(ws.port, 0);
    const bridged = consoleOptions(['--broker', 'mqtt://broker:1883', '--scenario', 'louvre-apollo']);
    assert.equal(bridged.brokerWsUrl, undefined);
    assert.equal(bridged.brokerUrl, 'mqtt://broker:1883');
    assert.equal(bridged.plan?.id, 'louvre');
    assert.equal(bridged.port, 8080);
    const direct = consoleOptions(['--broker', 'mqtt://broker:1883', '--ws', 'ws://broker:9001']);
    assert.equal(direct.brokerWsUrl, 'ws://broker:9001/');
    assert.equal(consoleOptions([], { VITRINE_BROKER: 'mqtt://elsewhere:1884' }).brokerUrl, 'mqtt://elsewhere:1884');
    assert.equal(consoleOptions(['--site-file', shippedSiteFile]).plan?.nodes.length, 5);
    const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-ca-'));
    try {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      writeFileSync(path.join(directory, 'ca.crt'), pem);
      const tls = consoleOptions(['--broker', 'mqtts://broker:8883', '--broker-ca', path.join(directory, 'ca.crt')]);
      assert.deepEqual([tls.brokerUrl, tls.brokerCa], ['mqtts://broker:8883', pem]);
      assert.equal(bridged.brokerCa, undefined);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses contradictory or malformed options, naming them', function () {
    assert.throws(() => consoleOptions(['--site-file', 'a', '--scenario', 'b']), /--site-file or --scenario, not both/);
    assert.throws(() => consoleOptions(['--broker', 'ws://b/mqtt', '--ws', 'ws://c']), /--ws is for an mqtt:\/\/ broker/);
    assert.throws(() => consoleOptions(['--ws', 'mqtt://c:1']), /--ws mqtt:\/\/c:1: must be a ws:\/\/ or wss:\/\/ URL/);
    assert.throws(() => consoleOptions(['--port', '99999']), /--port 99999: must be a port number/);
    assert.throws(() => consoleOptions(['--site', 'a/b']), /--site "a\/b"/);
    assert.throws(() => consoleOptions(['--scenario', 'louvre-apollo', '--site', 'orsay']), /--site orsay differs from the plan's site louvre/);
    assert.throws(() => consoleOptions(['--broker', 'ws://user:pw@b/mqtt']), /credentials would be handed to every browser/);
    assert.throws(() => consoleOptions(['--brokr', 'x']), /Unknown option '--brokr'/);
    assert.throws(() => consoleOptions(['--broker', 'http://x']), /unsupported scheme "http:"/);
    assert.throws(() => consoleOptions(['--broker', 'mqtt://b:1883', '--broker-ca', shippedSiteFile]), /--broker-ca is for an mqtts:\/\/ --broker/);
    assert.throws(() => consoleOptions(['--broker', 'mqtts://b:8883', '--broker-ca', '/nonexistent/ca.crt']), /--broker-ca \/nonexistent\/ca.crt: cannot read it \(ENOENT\)/);
    assert.throws(() => consoleOptions(['--broker', 'mqtts://b:8883', '--broker-ca', shippedSiteFile]), /holds no PEM certificate/);
  });
});
