// `npm run calibrate -- --node ID --baseline 30s [--apply]`: see technician/calibrate.ts and docs/calibration.md.
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../firmware/node/detector-registry';
import { runTool } from './node-client';
import { calibrate } from './technician/calibrate';

runTool((argv, io) => calibrate(argv, io, DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS));
