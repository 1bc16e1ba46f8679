import AjvModule from 'ajv';
import type { Options } from 'ajv';

// ajv ships CommonJS with a `default` property; under NodeNext the constructor is there.
const Ajv = AjvModule.default;

/** One configuration of ajv for every schema of the project (strict, all errors). */
export function createAjv(options: Options = {}): InstanceType<typeof Ajv> {
  return new Ajv({ allErrors: true, strict: true, ...options });
}
