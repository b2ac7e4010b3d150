/**
 * Home Assistant MQTT discovery (retained, under homeassistant/): one binary sensor per detector and per
 * fault flag, reading the node's retained state/<type> topics, and an `event` entity fed by the alert
 * topic itself. All share the node's `status` topic as availability and one device block. Entities of
 * detectors that are switched off are removed (empty retained payload), as HA expects.
 */
import type { NodeConfig } from './config';
import { DETECTOR_KEYS, DETECTOR_THREATS } from './config';
import type { AlertType, NodeTopics } from './protocol';
import { ALERT_TYPES, HA_DISCOVERY_PREFIX, STATE_OFF, STATE_ON, STATUS_OFFLINE, STATUS_ONLINE } from './protocol';

export interface DiscoveryMessage {
  topic: string;
  /** The retained config, or '' to remove the entity. */
  payload: string;
}

/** HA binary-sensor device classes (mqtt_perf.md §1): there is no glass-break class, safety is the closest. */
export const HA_DEVICE_CLASSES: Readonly<Record<AlertType, string>> = {
  glass_break: 'safety',
  grinder: 'vibration',
  impact: 'safety',
  tilt: 'moving',
  tamper: 'tamper',
  sensor_fault: 'problem',
  node_fault: 'problem',
};

const NAMES: Readonly<Record<AlertType, string>> = {
  glass_break: 'Glass break',
  grinder: 'Angle grinder',
  impact: 'Impact',
  tilt: 'Tilt',
  tamper: 'Tamper',
  sensor_fault: 'Sensor fault',
  node_fault: 'Node fault',
};

/** Event type a walk-test alert is shown as in HA (so that automations never treat it as an alarm). */
export const HA_WALK_TEST_EVENT = 'walk_test';

const EVENT_TEMPLATE = "{{ {'event_type': ('walk_test' if value_json.test else value_json.type), 'id': value_json.id, " +
  "'severity': value_json.severity, 'zone': value_json.zone, 'label': value_json.location.label} | to_json }}";

export function haObjectId(config: NodeConfig, what: string): string {
  return `vitrine_${config.site}_${config.node}_${what}`;
}

export interface DiscoveryInputs {
  config: NodeConfig;
  topics: NodeTopics;
  firmwareVersion: string;
  hasAccelerometer: boolean;
}

export function discoveryMessages({ config, topics, firmwareVersion, hasAccelerometer }: DiscoveryInputs): DiscoveryMessage[] {
  const device: Record<string, unknown> = {
    identifiers: [`vitrine_${config.site}_${config.node}`],
    name: config.location.label,
    manufacturer: 'Vitrine',
    model: `Vitrine ${config.role.replace('_', ' ')} node`,
    sw_version: firmwareVersion,
  };
  if (config.location.room !== '') device.suggested_area = config.location.room;
  const availability = {
    availability_topic: topics.status,
    payload_available: STATUS_ONLINE,
    payload_not_available: STATUS_OFFLINE,
  };
  const enabled = new Set<AlertType>(['sensor_fault', 'node_fault']);
  for (const key of DETECTOR_KEYS) if (config.detectors[key].enabled) enabled.add(DETECTOR_THREATS[key]);
  if (hasAccelerometer && config.health.tamperAngleDeg > 0) enabled.add('tamper');
  const messages: DiscoveryMessage[] = [];
  for (const type of ALERT_TYPES) {
    const objectId = haObjectId(config, type);
    const topic = `${HA_DISCOVERY_PREFIX}/binary_sensor/${objectId}/config`;
    if (!enabled.has(type)) {
      messages.push({ topic, payload: '' });
      continue;
    }
    const entity: Record<string, unknown> = {
      name: NAMES[type],
      unique_id: objectId,
      device_class: HA_DEVICE_CLASSES[type],
      state_topic: topics.state[type],
      payload_on: STATE_ON,
      payload_off: STATE_OFF,
      qos: 1,
      ...availability,
      device,
    };
    if (type === 'sensor_fault' || type === 'node_fault') entity.entity_category = 'diagnostic';
    messages.push({ topic, payload: JSON.stringify(entity) });
  }
  const alarmId = haObjectId(config, 'alarm');
  messages.push({
    topic: `${HA_DISCOVERY_PREFIX}/event/${alarmId}/config`,
    payload: JSON.stringify({
      name: 'Alarm',
      unique_id: alarmId,
      state_topic: topics.alert,
      event_types: [...ALERT_TYPES, HA_WALK_TEST_EVENT],
      value_template: EVENT_TEMPLATE,
      qos: 1,
      ...availability,
      device,
    }),
  });
  return messages;
}
