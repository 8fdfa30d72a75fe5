/**
 * `npm run emulator`: the Translation v2 emulator as a process. Settings come from the config
 * module (EMULATOR_PORT, EMULATOR_LATENCY_MS, EMULATOR_FAULT_RATE, EMULATOR_FAULT_KIND, and HOST,
 * shared with the API); at run time they can be changed with `POST /__emulator/options`.
 */
import { createLogger } from '../shared/logger.js';
import { exitOnSignals } from '../shared/shutdown.js';
import { loadConfigOrExit } from '../shared/config.js';
import { createEmulator } from './create-emulator.js';

const config = loadConfigOrExit();
const log = createLogger(config, 'emulator');

const emulator = await createEmulator({
  port: config.EMULATOR_PORT,
  // Same interface as the API: in a container the workers reach it over the network.
  host: config.HOST,
  latencyMs: config.EMULATOR_LATENCY_MS,
  faultRate: config.EMULATOR_FAULT_RATE,
  faultKind: config.EMULATOR_FAULT_KIND,
});

log.info(
  {
    endpoint: emulator.endpoint,
    latencyMs: config.EMULATOR_LATENCY_MS,
    faultRate: config.EMULATOR_FAULT_RATE,
    faultKind: config.EMULATOR_FAULT_KIND,
  },
  `translate emulator listening on ${emulator.endpoint}`,
);

exitOnSignals(log, 'translate emulator stopping', () => emulator.close());
