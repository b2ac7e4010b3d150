/**
 * The build configuration mcconfig generates from the manifests' `config` sections and `key=value`
 * command-line overrides (which arrive as strings). Typed as unknown values on purpose: main.ts checks
 * it with parseDeviceConfig (firmware/moddable/device-config.ts), which reports every bad key.
 */
declare module 'mc/config' {
  const config: Readonly<Record<string, unknown>>;
  export { config as default };
}
