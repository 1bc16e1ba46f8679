import { loadConfig } from '../../service/config.js';
import type { ServiceConfig } from '../../service/config.js';

/**
 * Service config for in-process tests: silent, no rate limit, no load shedding. The
 * server shares its event loop with jest (compiling test files, loading models), whose
 * pauses would otherwise be read as overload; both protections have their own tests.
 */
export function testConfig(env: Record<string, string> = {}): ServiceConfig {
  return loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', SHED_MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
}
