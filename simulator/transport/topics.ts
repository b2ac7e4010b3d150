/**
 * MQTT topic rules (3.1.1 §4.7), checked before anything is sent so that a bad topic is an error
 * naming the topic rather than a connection closed by the broker.
 */
const MAX_TOPIC_BYTES = 65_535;

/** Why `topic` cannot be published to, or undefined when it can. */
export function publishTopicProblem(topic: string): string | undefined {
  if (typeof topic !== 'string' || topic.length === 0) return 'the topic is empty';
  if (/[+#]/.test(topic)) return `topic "${topic}" contains a wildcard (+ or #)`;
  if (topic.includes('\u0000')) return `topic "${topic}" contains a NUL character`;
  if (Buffer.byteLength(topic, 'utf8') > MAX_TOPIC_BYTES) return `topic "${topic.slice(0, 40)}…" is longer than ${MAX_TOPIC_BYTES} bytes`;
  return undefined;
}

/** Why `filter` cannot be subscribed to, or undefined when it can. */
export function topicFilterProblem(filter: string): string | undefined {
  if (typeof filter !== 'string' || filter.length === 0) return 'the topic filter is empty';
  if (filter.includes('\u0000')) return `topic filter "${filter}" contains a NUL character`;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return `topic filter "${filter}": # must be a whole level and the last one`;
    if (level.includes('+') && level !== '+') return `topic filter "${filter}": + must be a whole level`;
  }
  return undefined;
}
