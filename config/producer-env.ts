/**
 * The producer's environment contract: every STREAMLAB_* variable the Python producer
 * reads, with its type, default, allowed values or pattern and whether it is a secret.
 * It is one data file in the producer's package (so the host has it too); the producer
 * reads it at start and builds its --help from it, and here it gives the config schema
 * the source names and the region pattern and the env-file writer its variable names.
 */
import contract from '../producer-app/streamlab_producer/env_contract.json';

export const PRODUCER_ENV_PREFIX = 'STREAMLAB_';

export interface ProducerEnvVariable {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'choice';
  readonly secret: boolean;
  readonly description: string;
  readonly default?: string | number | boolean;
  /** A default that depends on the source (STREAMLAB_RATE paces only `synthetic` by default). */
  readonly defaultBySource?: Readonly<Record<string, number>>;
  readonly values?: readonly string[];
  /** Read the same by JavaScript's RegExp and Python's re. */
  readonly pattern?: string;
  readonly min?: number;
  readonly max?: number;
  readonly required?: boolean;
}

const TYPES: readonly string[] = ['string', 'integer', 'number', 'boolean', 'choice'];

export const PRODUCER_ENV: readonly ProducerEnvVariable[] = contract.variables.map((v) => {
  if (!TYPES.includes(v.type))
    throw new Error(`env contract: ${v.name} has unknown type "${v.type}"`);
  return v as ProducerEnvVariable;
});

const byName = new Map(PRODUCER_ENV.map((v) => [v.name, v]));

/** The contract's entry for a variable; a name it does not list is a programming error. */
export function producerEnvVariable(name: string): ProducerEnvVariable {
  const v = byName.get(name);
  if (!v)
    throw new Error(`${name} is not in the producer's environment contract (env_contract.json)`);
  return v;
}

function nonEmpty(values: readonly string[] | undefined, name: string): [string, ...string[]] {
  if (!values || values.length === 0) throw new Error(`env contract: ${name} lists no values`);
  return [...values] as [string, ...string[]];
}

/** What `producer.source` may be: the producer's own list. */
export const PRODUCER_SOURCES = nonEmpty(
  producerEnvVariable('STREAMLAB_SOURCE').values,
  'STREAMLAB_SOURCE',
);

/** An AWS region name, as the producer checks it. */
export const REGION = new RegExp(producerEnvVariable('STREAMLAB_REGION').pattern!);

/** A Kinesis stream name, as the producer checks it (AWS: 1-128 of a-z A-Z 0-9 _ . -). */
export const STREAM_NAME = new RegExp(producerEnvVariable('STREAMLAB_STREAM').pattern!);

/** The start of a Kinesis endpoint URL the producer accepts (scheme and host). */
export const ENDPOINT_URL = new RegExp(producerEnvVariable('STREAMLAB_ENDPOINT_URL').pattern!);

/**
 * One value as the producer reads it back, checked against the contract: `1`/`0` for a
 * boolean, a plain number, one of the listed values, a match of the pattern. A value the
 * producer would refuse fails here, naming the variable, before anything reaches a host.
 */
export function producerEnvValue(name: string, value: string | number | boolean): string {
  const v = producerEnvVariable(name);
  // A secret's value never goes into a message: messages end up in logs.
  const shown = v.secret ? '(secret, not shown)' : JSON.stringify(value);
  const refuse = (why: string) => new Error(`${name}=${shown}: ${why}`);
  switch (v.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw refuse('must be true or false');
      return value ? '1' : '0';
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('must be a number');
      if (v.type === 'integer' && !Number.isInteger(value)) throw refuse('must be a whole number');
      if ((v.min !== undefined && value < v.min) || (v.max !== undefined && value > v.max))
        throw refuse(`must be within ${v.min ?? '-∞'}..${v.max ?? '∞'}`);
      return String(value);
    }
    default: {
      if (typeof value !== 'string') throw refuse('must be a string');
      if (v.values && !v.values.includes(value))
        throw refuse(`must be one of ${v.values.join(', ')}`);
      if (v.pattern && !new RegExp(v.pattern).test(value))
        throw refuse(`does not match ${v.pattern}`);
      return value;
    }
  }
}
