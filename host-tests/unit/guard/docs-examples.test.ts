// The docs name detector options and show protocol messages; both went stale once (an option the evidence
// model had replaced, a stand-in detector's fields), so these checks keep them true to the firmware.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DETECTOR_SPECS } from '../../../firmware/node/detector-registry';
import { checkMessage } from '../../helpers/protocol-schemas';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = path.join(root, 'docs');
const markdown = [path.join(root, 'README.md'), ...readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => path.join(docs, f))];

/** `glassBreak.onsetDb`, `tilt.thresholdDeg`: a detector key, a dot, an option; file names (`tilt.ts`) are not options. */
const OPTION_MENTION = /\b(glassBreak|grinder|impact|tilt)\.([A-Za-z]+)\b/g;
const FILE_SUFFIXES = new Set(['ts', 'js', 'json', 'wav', 'test', 'md', 'c', 'h']);

describe('docs', function () {
  it('name only detector options the firmware has', function () {
    const unknown: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(file, 'utf8');
      for (const [, detector, option] of text.matchAll(OPTION_MENTION)) {
        if (FILE_SUFFIXES.has(option) || option === 'enabled') continue;
        const specs = DETECTOR_SPECS[detector as keyof typeof DETECTOR_SPECS];
        if (!Object.hasOwn(specs, option)) unknown.push(`${path.relative(root, file)}: ${detector}.${option}`);
      }
    }
    assert.deepEqual([...new Set(unknown)], []);
  });

  it('protocol.md: the alert, telemetry, cmd/config and cmd/result examples are valid messages', function () {
    const text = readFileSync(path.join(docs, 'protocol.md'), 'utf8');
    const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
    const block = (marker: string): string => {
      const found = blocks.find((b) => b.includes(marker));
      assert.ok(found !== undefined, `no json block with ${marker}`);
      return found;
    };
    const base = 'vitrine/louvre/apollo-case-07/';
    assert.deepEqual(checkMessage(`${base}alert`, block('"features"')), []);
    assert.deepEqual(checkMessage(`${base}telemetry`, block('"pipelines"')), []);
    assert.deepEqual(checkMessage(`${base}cmd/config`, block('"id": "cfg-7", "config"')), []);
    // One answer per line or group of lines, each starting with "{".
    const answers = block('"cfg-8"').split(/\n(?=\{)/).map((t) => t.trim()).filter((t) => t !== '');
    assert.ok(answers.length >= 3);
    for (const answer of answers) assert.deepEqual(checkMessage(`${base}cmd/result`, answer), [], answer);
    // The options a configuration example changes exist (a node refuses unknown ones).
    const telemetry = JSON.parse(block('"pipelines"')) as { pipelines: { thresholds: { option: string }[] }[] };
    for (const { option } of telemetry.pipelines[0].thresholds) {
      const [detector, name] = option.split('.') as [keyof typeof DETECTOR_SPECS, string];
      assert.ok(Object.hasOwn(DETECTOR_SPECS[detector], name), option);
    }
  });
});
