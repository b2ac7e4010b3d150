/**
 * The Moddable manifests against the tree: every module they name exists, every firmware import
 * resolves to a module they provide (by the module names XS will see) or to a Moddable module, each
 * role's configuration is complete, and the build settings the project relies on are there.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parseDeviceConfig } from '../../firmware/moddable/device-config';
import { isModdableModule } from '../helpers/moddable-modules';
import {
  INSTALLER_KEYS, mergedManifest, REPO_ROOT, roleManifestFile, ROLE_MANIFESTS, readJsonManifest, SELFBENCH, type BuildName, type MergedManifest,
  type RoleName,
} from '../../simulator/cli/manifests';

const FIRMWARE = path.join(REPO_ROOT, 'firmware');
const ROLES = Object.keys(ROLE_MANIFESTS) as RoleName[];
/** Every build: the node roles and the self-benchmark. */
const BUILDS: BuildName[] = [...ROLES, SELFBENCH];
const PLATFORMS = ['esp32', 'esp32/nodemcu', 'lin'];

/**
 * Files the manifests name that other work adds later. Each must still be missing: when it lands,
 * this test fails until it is removed from here, so the list cannot go stale.
 */
const PENDING: Record<string, string> = {};

const relative = (file: string): string => path.relative(REPO_ROOT, file).split(path.sep).join('/');

/** What a manifest module entry may name: a TypeScript module or a C file compiled into the build. */
const SOURCE_EXTENSIONS = ['.ts', '.c'];

function existsOrPending(file: string): boolean {
  return existsSync(file) || relative(file) in PENDING;
}

/** Module names the entries provide (wildcards expanded over .ts files, as mcmanifest does). */
function moduleNames(merged: MergedManifest): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of merged.modules) {
    if (entry.name.endsWith('*')) {
      const directory = entry.source.slice(0, -1);
      for (const file of readdirSync(directory)) {
        if (file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.startsWith('.')) {
          names.set(entry.name.slice(0, -1) + file.slice(0, -3), path.join(directory, file));
        }
      }
    } else if (!existsSync(`${entry.source}.c`)) {
      names.set(entry.name, `${entry.source}.ts`);
    }
  }
  return names;
}

function firmwareSources(directory = FIRMWARE): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return name === 'types' && directory === FIRMWARE ? [] : firmwareSources(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly;
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** What XS does with a relative specifier: resolve it against the importing module's name. */
function resolveSpecifier(importer: string, specifier: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier));
}

describe('Moddable manifests', function () {
  const merged = new Map<string, MergedManifest>();
  for (const build of BUILDS) for (const platform of PLATFORMS) merged.set(`${build} ${platform}`, mergedManifest(roleManifestFile(build), platform));

  it('exist per role with esp32 and lin sections, and refuse other platforms', function () {
    for (const role of BUILDS) {
      // The self-benchmark has nothing of its own per platform: common.json's sections serve it.
      const manifest = readJsonManifest(role === SELFBENCH ? path.join(REPO_ROOT, 'manifests/common.json') : roleManifestFile(role));
      const platforms = manifest.platforms as Record<string, unknown>;
      assert.ok(platforms.esp32 !== undefined && platforms.lin !== undefined, `${role}.json has esp32 and lin`);
      assert.deepEqual(mergedManifest(roleManifestFile(role), 'mac').errors,
        ['Vitrine builds for esp32 (esp32/TARGET) and lin only']);
      for (const platform of PLATFORMS) assert.deepEqual(merged.get(`${role} ${platform}`)?.errors, []);
    }
  });

  it('name only files that exist (or are listed as pending and still missing)', function () {
    for (const [file, why] of Object.entries(PENDING)) {
      assert.ok(!existsSync(path.join(REPO_ROOT, file)), `${file} exists now: remove it from PENDING (${why})`);
    }
    for (const [key, m] of merged) {
      for (const entry of m.modules) {
        if (entry.name.endsWith('*')) {
          const directory = entry.source.slice(0, -1);
          assert.ok(existsSync(directory) && readdirSync(directory).some((f) => f.endsWith('.ts')), `${key}: ${entry.name} → ${relative(directory)}`);
        } else {
          assert.ok(SOURCE_EXTENSIONS.some((ext) => existsOrPending(`${entry.source}${ext}`)),
            `${key}: module ${entry.name} → ${relative(entry.source)} (${SOURCE_EXTENSIONS.join(', ')})`);
        }
      }
      for (const missing of m.missingIncludes) assert.ok(relative(missing) in PENDING, `${key}: include ${relative(missing)} is missing`);
      for (const resource of m.resources) assert.ok(existsSync(resource.source.replace(/\*$/, '')), `${key}: resources ${resource.source}`);
    }
  });

  it('provide every firmware import under the name XS will resolve it to', function () {
    const sources = firmwareSources();
    assert.ok(sources.length > 10);
    const imports = new Map(sources.map((file) => [file, importsOf(file)]));
    for (const [key, m] of merged) {
      const names = moduleNames(m);
      const byFile = new Map([...names].map(([name, file]) => [path.resolve(file), name]));
      for (const file of sources) {
        const importer = byFile.get(path.resolve(file));
        assert.ok(importer !== undefined, `${key}: ${relative(file)} is in no module of the build`);
        for (const specifier of imports.get(file) ?? []) {
          if (specifier.startsWith('.')) {
            const target = resolveSpecifier(importer, specifier);
            assert.ok(names.has(target), `${key}: ${relative(file)} imports '${specifier}' → module '${target}', which the manifest does not provide`);
            assert.equal(path.resolve(names.get(target) ?? ''), path.resolve(path.dirname(file), `${specifier}.ts`),
              `${key}: '${target}' is the file TypeScript checked`);
          } else {
            assert.ok(isModdableModule(specifier), `${key}: ${relative(file)} imports '${specifier}', not a Moddable module`);
          }
        }
      }
    }
  });

  it('name the entry module main, keep it out of the preload, and preload only modules that exist', function () {
    for (const [key, m] of merged) {
      const names = moduleNames(m);
      assert.equal(m.modules.find((e) => e.name === 'main')?.source, path.join(FIRMWARE, 'main'), `${key}: main is firmware/main`);
      assert.ok(!m.preload.includes('main'), `${key}: main runs at boot, it is not preloaded`);
      for (const preload of m.preload) {
        const matches = preload.endsWith('*') ? [...names.keys()].some((n) => n.startsWith(preload.slice(0, -1))) : names.has(preload);
        assert.ok(matches, `${key}: preload ${preload} matches a module`);
      }
    }
  });

  it('carry a complete configuration per role once the installer\'s settings are given', function () {
    const installer = { site: 'louvre', node: 'n-01', building: 'Denon', floor: '1', room: 'Apollon', element: 'vitrine 3',
      label: 'Couronne', brokerHost: 'broker.local' };
    for (const role of ROLES) {
      for (const platform of PLATFORMS) {
        const m = merged.get(`${role} ${platform}`);
        assert.ok(m !== undefined);
        for (const key of INSTALLER_KEYS) assert.equal(m.config[key], '', `${role} ${platform}: ${key} is declared, left to the installer`);
        const result = parseDeviceConfig({ ...m.config, ...installer }, platform === 'lin' ? 'lin' : 'esp32');
        assert.ok(result.ok, `${role} ${platform}: ${result.ok ? '' : result.errors.join('; ')}`);
        assert.equal(result.config.role, ROLE_MANIFESTS[role]);
        assert.equal(result.config.microphone !== undefined, role !== 'balcony', `${role}: microphone`);
      }
    }
  });

  it('pass the TypeScript override, ESP32 heap sizes and the native kernels to the esp32 build', function () {
    for (const [key, m] of merged) {
      assert.deepEqual(m.typescript, { compiler: 'tsc', tsconfig: { compilerOptions: { lib: ['es2024'], target: 'es2024' } } }, key);
      if (key.endsWith('lin')) {
        assert.ok(!m.missingIncludes.some((f) => f.includes('native')), `${key}: no native kernels on lin`);
        continue;
      }
      assert.deepEqual(m.creation, { static: 0, chunk: { initial: 78848, incremental: 0 }, heap: { initial: 4928, incremental: 0 },
        stack: 512, keys: { available: 256 } }, key);
      const native = path.join(FIRMWARE, 'native/manifest.json');
      assert.ok(m.missingIncludes.includes(native) || m.manifests.includes(native), `${key}: includes firmware/native/manifest.json`);
      assert.ok(m.sdkIncludes.includes('$(MODDABLE)/examples/io/tcp/mqttclient/manifest_mqttclient.json'), `${key}: ECMA-419 MQTT client`);
      const wantsAudio = key.startsWith('display-case') || key.startsWith('window');
      assert.equal(m.sdkIncludes.includes('$(MODDABLE)/modules/io/audioin/manifest.json'), wantsAudio, `${key}: audio input`);
      if (wantsAudio) assert.deepEqual((m.defines.audioIn as { sampleRate: number }).sampleRate, 16000, key);
    }
  });

  it('build the self-benchmark from the same firmware, switched by config.app, with each platform named', function () {
    for (const platform of PLATFORMS) {
      const bench = merged.get(`${SELFBENCH} ${platform}`);
      assert.ok(bench !== undefined);
      assert.equal(bench.config.app, 'selfbench');
      assert.equal(bench.config.platform, platform === 'lin' ? 'lin' : 'esp32');
      for (const role of ROLES) {
        const m = merged.get(`${role} ${platform}`);
        assert.equal(m?.config.app, undefined, `${role} ${platform} boots the node`);
        assert.equal(m?.config.platform, platform === 'lin' ? 'lin' : 'esp32', `${role} ${platform}: config.platform`);
      }
    }
  });

  it('point the lin build at replay recordings under manifests/resources', function () {
    for (const role of ROLES) {
      const m = merged.get(`${role} lin`);
      assert.ok(m !== undefined);
      const names = [m.config.replayAccelerometer, m.config.replayMicrophone].filter((n): n is string => typeof n === 'string');
      assert.ok(names.length === (role === 'balcony' ? 1 : 2), `${role}: recordings ${names.join(', ')}`);
      for (const name of names) {
        assert.match(name, /\.wave$/, 'named .wave so mcconfig embeds the bytes instead of converting to MAUD');
        assert.ok(existsOrPending(path.join(REPO_ROOT, 'manifests/resources', name)), `${role}: ${name}`);
      }
      assert.deepEqual(m.resources.map((r) => relative(r.source)), ['manifests/resources/*']);
    }
  });
});
