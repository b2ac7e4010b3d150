/**
 * `mc/config` as mcconfig would generate it for a build: the merged manifest's config (numbers stay
 * numbers) with the installer's key=value settings on top (always strings, as on the command line).
 */
import { mergedManifest, roleManifestFile, type BuildName } from '../../../simulator/cli/manifests';

export const INSTALLER_SETTINGS: Readonly<Record<string, string>> = {
  site: 'louvre', node: 'dc-apollon-07', building: 'Denon', floor: '1', room: "Galerie d'Apollon", element: 'vitrine 7',
  label: 'Couronne', brokerHost: '10.20.0.5', ssid: 'musee', password: 'secret',
};

export function buildConfig(build: BuildName, platform: 'esp32' | 'lin', settings: Record<string, string | undefined> = INSTALLER_SETTINGS):
  Record<string, unknown> {
  const config: Record<string, unknown> = { ...mergedManifest(roleManifestFile(build), platform).config };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  return config;
}
