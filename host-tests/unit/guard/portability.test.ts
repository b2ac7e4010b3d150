import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanSource } from '../../helpers/portability';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = path.join(root, 'host-tests/fixtures/portability');

function firmwareFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (path.relative(path.join(root, 'firmware'), full) === 'types') continue; // declarations only
      files.push(...firmwareFiles(full));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      files.push(full);
    }
  }
  return files;
}

describe('portability guard', function () {
  it('reports every violation in the fixture, on its line', function () {
    const text = readFileSync(path.join(fixtures, 'violations.ts.txt'), 'utf8');
    const expectedLines = text.split('\n').flatMap((line, i) => (line.includes('VIOLATION') ? [i + 1] : []));
    const found = scanSource('violations.ts', text);
    assert.deepEqual([...new Set(found.map((v) => v.line))].sort((a, b) => a - b), expectedLines);
    assert.ok(found.some((v) => /Node built-in 'node:fs'/.test(v.what)));
    assert.ok(found.some((v) => /DOM global 'document'/.test(v.what)));
  });

  it('accepts Moddable modules, relative imports, and names in comments, strings and keys', function () {
    const text = readFileSync(path.join(fixtures, 'clean.ts.txt'), 'utf8');
    assert.deepEqual(scanSource('clean.ts', text), []);
  });

  it('finds no Node or DOM API anywhere in firmware/', function () {
    const files = firmwareFiles(path.join(root, 'firmware'));
    assert.ok(files.length > 0, 'firmware/ has source files to scan');
    const violations = files.flatMap((file) => scanSource(path.relative(root, file), readFileSync(file, 'utf8')));
    assert.deepEqual(violations.map((v) => `${v.file}:${v.line}: ${v.what}`), []);
  });
});
