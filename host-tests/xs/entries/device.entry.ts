// Runs inside XS: the device drivers against their register-level fakes, and the per-block paths.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { runAccelScenario, type AccelScenario } from '../../helpers/device/accel-scenario';
import { setUpDevicePaths } from '../cases/device-paths';

const paths = setUpDevicePaths();

serveXsCommands({
  noop: () => null,
  accel: (arg) => runAccelScenario(arg as AccelScenario),
  drainAccelerometer: (arg) => paths.drainAccelerometer(arg as number),
  readMicrophone: (arg) => paths.readMicrophone(arg as number),
});
