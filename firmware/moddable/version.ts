/** The firmware version reported in heartbeats, discovery and the self-benchmark (package.json's version). */
export const FIRMWARE_VERSION = '0.1.0';
