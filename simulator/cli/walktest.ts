// `npm run walktest -- --node ID --minutes N`: see technician/walktest.ts and docs/calibration.md.
import { DETECTOR_SPECS } from '../../firmware/node/detector-registry';
import { runTool } from './node-client';
import { walkTest } from './technician/walktest';

runTool((argv, io) => walkTest(argv, io, DETECTOR_SPECS));
