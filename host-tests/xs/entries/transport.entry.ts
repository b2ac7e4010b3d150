// Runs inside XS: the MQTT transport and NVS storage session.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { transportSession } from '../cases/transport-session';

serveXsCommands({ session: () => transportSession() });
