/**
 * A scripted session through the MQTT transport (fake ECMA-419 client) and the NVS storage (fake
 * Preference): connect, subscribe, QoS 1 publishes acknowledged out of order, an incoming fragmented
 * UTF-8 command, a dropped link, backoff and reconnect with resubscription, storage round trips.
 * Shared by the Node and XS sides: the same script must produce the same record in both engines.
 */
import { MqttTransport } from '../../../firmware/moddable/mqtt-transport';
import { PreferenceStorage } from '../../../firmware/moddable/preference-storage';
import { encodeUtf8 } from '../../../firmware/moddable/utf8';
import { fakeMqttNetwork } from '../../helpers/device/fake-mqtt-client';
import { FakePreference } from '../../helpers/device/fake-preference';
import { ManualClock } from '../../helpers/device/manual-clock';

export function transportSession(): string[] {
  const record: string[] = [];
  const clock = new ManualClock();
  const network = fakeMqttNetwork(512);
  const transport = new MqttTransport({ network, host: 'broker', clock, random: () => 0.5 });
  transport.start({ clientId: 'n1', keepaliveMs: 5000, will: { topic: 'v/s/n1/status', payload: 'offline', qos: 1, retain: true } }, {
    onConnected: () => record.push(`connected@${clock.nowMs}`),
    onDisconnected: (reason) => record.push(`disconnected: ${reason}`),
    onMessage: (topic, payload) => record.push(`message ${topic} ${payload}`),
  });
  transport.subscribe('v/s/n1/cmd/+');
  const client = (): ReturnType<typeof network.clients.at> => network.clients.at(-1);
  client()?.accept();
  transport.publish('v/s/n1/alert', '{"type":"grinder","label":"Fenêtre"}', { qos: 1, retain: false },
    (e) => record.push(`alert done ${e?.message ?? 'ok'}`));
  transport.publish('v/s/n1/state/grinder', 'ON', { qos: 1, retain: true }, (e) => record.push(`state done ${e?.message ?? 'ok'}`));
  transport.publish('v/s/n1/hb', '{"seq":1}', { qos: 0, retain: false });
  const ids = client()?.packets.filter((p) => p.QoS === 1).map((p) => p.id ?? -1) ?? [];
  client()?.puback(ids[1] ?? -1);
  client()?.puback(ids[0] ?? -1);
  client()?.deliver('v/s/n1/cmd/walktest', encodeUtf8('{"enable":true,"note":"été"}'), 5);
  transport.publish('v/s/n1/alert', 'lost', { qos: 1, retain: false }, (e) => record.push(`lost done ${e?.message ?? 'ok'}`));
  client()?.fail();
  clock.advanceBy(999);
  record.push(`clients ${network.clients.length}`);
  clock.advanceBy(1);
  client()?.accept();
  record.push(...(client()?.packets.map((p) => `${p.operation} ${p.topic ?? ''} ${JSON.stringify(p.items ?? [])}`) ?? []));

  const preference = new FakePreference();
  const storage = new PreferenceStorage({ preference, domain: 'vitrine' });
  storage.write('cfg', '{"label":"Galerie d’Apollon"}');
  storage.write('seq', '17');
  storage.remove('seq');
  record.push(`keys ${new PreferenceStorage({ preference, domain: 'vitrine' }).keys().join(',')} ${storage.read('cfg') ?? ''}`);
  try {
    storage.write('k', 'x'.repeat(4000));
  } catch (error) {
    record.push((error as Error).message);
  }
  return record;
}
