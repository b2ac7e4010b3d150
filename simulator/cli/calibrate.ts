// `npm run calibrate -- --node ID --baseline 30s [--apply]`: see technician/calibrate.ts and docs/calibration.md.
import { TOOL_DETECTOR_SPECS, TOOL_ROLE_DEFAULTS } from '../calibration/tool-specs';
import { runTool } from './node-client';
import { calibrate } from './technician/calibrate';

runTool((argv, io) => calibrate(argv, io, TOOL_DETECTOR_SPECS, TOOL_ROLE_DEFAULTS));
