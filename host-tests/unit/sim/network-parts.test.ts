import assert from 'node:assert/strict';
import { externalBroker, parseBrokerUrl, takeBrokerOption } from '../../../simulator/broker/broker-url';
import { assertMosquittoInstalled, mosquittoConfig, startMosquitto } from '../../../simulator/broker/mosquitto';
import { Backoff } from '../../../simulator/transport/backoff';
import { keepaliveSeconds } from '../../../simulator/transport/mqtt-transport';
import { publishTopicProblem, topicFilterProblem } from '../../../simulator/transport/topics';

describe('Backoff', function () {
  it('doubles up to the cap and takes at most the jitter share off each delay', function () {
    const fixed = (value: number) => (): number => value;
    const noJitter = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitterRatio: 0.5 }, fixed(0));
    assert.deepEqual(Array.from({ length: 6 }, () => noJitter.next()), [100, 200, 400, 800, 1000, 1000]);
    const fullJitter = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitterRatio: 0.5 }, fixed(0.999999));
    assert.deepEqual(Array.from({ length: 3 }, () => fullJitter.next()), [50, 100, 200]);
    noJitter.reset();
    assert.equal(noJitter.attempt, 0);
    assert.equal(noJitter.next(), 100);
  });

  it('spreads nodes that retry together', function () {
    let seed = 1;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const firstDelays = Array.from({ length: 20 }, () => new Backoff({}, random).next());
    assert.ok(new Set(firstDelays).size > 15, `distinct first delays: ${firstDelays.join(', ')}`);
    assert.ok(firstDelays.every((d) => d >= 250 && d <= 500));
  });

  it('refuses nonsense options', function () {
    assert.throws(() => new Backoff({ initialMs: 0 }), /need 0 < initialMs ≤ maxMs/);
    assert.throws(() => new Backoff({ initialMs: 100, maxMs: 50 }), /need 0 < initialMs ≤ maxMs/);
    assert.throws(() => new Backoff({ jitterRatio: 2 }), /0 ≤ jitterRatio ≤ 1/);
  });
});

describe('keepaliveSeconds', function () {
  it('rounds up to whole seconds, as the CONNECT packet carries them', function () {
    assert.equal(keepaliveSeconds(0), 0);
    assert.equal(keepaliveSeconds(1), 1);
    assert.equal(keepaliveSeconds(1000), 1);
    assert.equal(keepaliveSeconds(1500), 2);
    assert.equal(keepaliveSeconds(65_535_000), 65_535);
    assert.throws(() => keepaliveSeconds(65_535_001), /exceeds MQTT's limit of 65535 s/);
    assert.throws(() => keepaliveSeconds(-1), /keepaliveMs must be a finite number ≥ 0/);
  });
});

describe('MQTT topic rules', function () {
  it('refuses wildcards and empty topics for publishing', function () {
    assert.equal(publishTopicProblem('vitrine/louvre/apollo-window/alert'), undefined);
    assert.equal(publishTopicProblem(''), 'the topic is empty');
    assert.equal(publishTopicProblem('vitrine/+/alert'), 'topic "vitrine/+/alert" contains a wildcard (+ or #)');
    assert.match(publishTopicProblem('a\u0000b') ?? '', /NUL/);
  });

  it('accepts well-placed wildcards in filters only', function () {
    for (const ok of ['#', 'vitrine/#', 'vitrine/+/+/cmd/#', '+', 'a//b']) assert.equal(topicFilterProblem(ok), undefined, ok);
    assert.match(topicFilterProblem('vitrine/#/cmd') ?? '', /# must be a whole level and the last one/);
    assert.match(topicFilterProblem('vitrine/cmd#') ?? '', /# must be a whole level/);
    assert.match(topicFilterProblem('vitrine/no+de') ?? '', /\+ must be a whole level/);
    assert.equal(topicFilterProblem(''), 'the topic filter is empty');
  });
});

describe('--broker URL', function () {
  it('parses and normalises broker URLs', function () {
    assert.deepEqual(parseBrokerUrl('mqtt://localhost'), { url: 'mqtt://localhost:1883', protocol: 'mqtt', host: 'localhost', port: 1883, username: undefined, password: undefined });
    assert.equal(parseBrokerUrl('tcp://10.0.0.5:1884').url, 'mqtt://10.0.0.5:1884');
    assert.equal(parseBrokerUrl('mqtts://broker.example').port, 8883);
    assert.equal(parseBrokerUrl('ws://localhost:8080/mqtt').url, 'ws://localhost:8080/mqtt');
    const withUser = parseBrokerUrl('mqtt://tech%40site:s%3Dcret@broker:1883');
    assert.equal(withUser.url, 'mqtt://broker:1883', 'credentials are not repeated in the URL');
    assert.equal(withUser.username, 'tech@site');
    assert.equal(withUser.password, 's=cret');
  });

  it('explains what is wrong with a bad URL', function () {
    assert.throws(() => parseBrokerUrl('localhost:1883'), /broker URL "localhost:1883": unsupported scheme "localhost:"/);
    assert.throws(() => parseBrokerUrl('not a url'), /broker URL "not a url": not a URL; expected e\.g\. mqtt:\/\/localhost:1883/);
    assert.throws(() => parseBrokerUrl('http://localhost:1883'), /unsupported scheme "http:" \(use mqtt, mqtts, ws or wss\)/);
    assert.throws(() => parseBrokerUrl('mqtt://localhost:1883/topic'), /an mqtt URL has no path/);
  });

  it('takes --broker out of a command line', function () {
    const taken = takeBrokerOption(['louvre-apollo', '--broker', 'mqtt://127.0.0.1:1884', '--speed', '2']);
    assert.equal(taken.broker?.url, 'mqtt://127.0.0.1:1884');
    assert.deepEqual(taken.rest, ['louvre-apollo', '--speed', '2']);
    assert.equal(takeBrokerOption(['--broker=ws://h:9001/mqtt']).broker?.protocol, 'ws');
    assert.equal(takeBrokerOption(['smoke']).broker, undefined);
    assert.throws(() => takeBrokerOption(['--broker']), /--broker needs a URL/);
    assert.throws(() => takeBrokerOption(['--broker', '--speed']), /--broker needs a URL/);
    assert.throws(() => takeBrokerOption(['--broker=mqtt://a', '--broker=mqtt://b']), /--broker given twice/);
  });

  it('will not stop or restart an external broker', async function () {
    const external = externalBroker(parseBrokerUrl('mqtt://broker.example:1883'));
    assert.equal(external.kind, 'external');
    await assert.rejects(external.down(), /cannot stop the external broker mqtt:\/\/broker\.example:1883; broker faults need the embedded broker/);
    await assert.rejects(external.restart(), /cannot restart/);
    await external.stop();
  });
});

describe('Mosquitto configuration', function () {
  it('writes a listener with anonymous access, no persistence, a log file and an optional WebSocket listener', function () {
    const text = mosquittoConfig({ port: 18830, wsPort: 18831, host: '127.0.0.1', logFile: '/tmp/x/mosquitto.log', user: 'ci' });
    const lines = text.split('\n');
    for (const line of ['allow_anonymous true', 'persistence false', 'log_dest file /tmp/x/mosquitto.log', 'listener 18830 127.0.0.1', 'listener 18831 127.0.0.1', 'protocol websockets', 'user ci']) {
      assert.ok(lines.includes(line), `config has "${line}"`);
    }
    assert.ok(lines.indexOf('protocol websockets') > lines.indexOf('listener 18831 127.0.0.1'), 'protocol follows its listener');
    assert.ok(!mosquittoConfig({ port: 1, wsPort: undefined, host: 'h', logFile: 'f', user: 'u' }).includes('websockets'));
  });

  it('says how to install Mosquitto when it is missing', async function () {
    assert.throws(() => assertMosquittoInstalled('/nonexistent/mosquitto'),
      /Mosquitto is not installed \(\/nonexistent\/mosquitto is missing or not executable\)\. Install it with `bash \.ci\/system-deps\.sh` or `sudo apt-get install mosquitto`/);
    await assert.rejects(startMosquitto({ executable: '/nonexistent/mosquitto' }), /Mosquitto is not installed/);
  });
});
