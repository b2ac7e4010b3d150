/**
 * Module specifiers that firmware may import besides its own relative modules: the Moddable SDK's
 * modules (reference/moddable.md §1, §2, §3). Anything else bare is a Node built-in or an npm
 * package, which does not exist on the device.
 */
export const MODDABLE_MODULES: readonly string[] = [
  'timer', 'time', 'preference', 'instrumentation', 'debug', 'mc/config', 'mc/ffi', 'wifi', 'net', 'sntp',
  'socket', 'securesocket', 'mqtt', 'audioin', 'modules', 'flash', 'file', 'Resource',
];

/** Prefixes of Moddable module families (ECMA-419 and the legacy pins). */
export const MODDABLE_MODULE_PREFIXES: readonly string[] = ['embedded:', 'pins/'];

export function isModdableModule(specifier: string): boolean {
  return MODDABLE_MODULES.includes(specifier) || MODDABLE_MODULE_PREFIXES.some((p) => specifier.startsWith(p));
}
