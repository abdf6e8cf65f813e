/**
 * Extra variables for the producer's env file (`provision --env`, the offline lab's
 * emulator credentials), checked against the producer's environment contract before they
 * reach a host. Two rules keep the checked values checked: a variable provisioning sets
 * itself cannot be given again (systemd keeps the last assignment, so an extra pair would
 * silently replace the checked one), and any other contract variable passes the same
 * check as the ones provisioning sets. Secrets have their own rule on the command line:
 * argv is readable by every local user in /proc, so a secret's value is taken from the
 * environment, never from an argument.
 */
import {
  PRODUCER_ENV_PREFIX,
  producerEnvValue,
  producerEnvVariable,
} from '../../config/producer-env';

/**
 * The variables provisioning writes from the config, the host's record and its own
 * options, each with where its value comes from (said when an extra pair names one).
 */
export const SET_BY_PROVISION = {
  STREAMLAB_STREAM: "the host's record (stream)",
  STREAMLAB_REGION: "the host's record or the config (region)",
  STREAMLAB_SOURCE: 'the config (producer.source)',
  STREAMLAB_HASHTAG: 'the config (producer.hashtag)',
  STREAMLAB_LOCATION: 'the config (producer.location)',
  STREAMLAB_RATE: 'the config (producer.rate)',
  STREAMLAB_ENDPOINT_URL: "the host's record (endpoint) or --endpoint-url",
  STREAMLAB_CLOUDWATCH: 'always off: hosts publish no CloudWatch metrics (docs/security.md)',
  STREAMLAB_DEAD_LETTER: "the service's state directory",
  STREAMLAB_X_BEARER_TOKEN: 'the environment variable STREAMLAB_X_BEARER_TOKEN (export it)',
} as const;

/** A name that says it holds a secret, besides the contract's own secrets. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSPHRASE|PRIVATE_KEY|CREDENTIAL/;

/** Whether a variable's value must not appear on a command line. */
export function isSecretName(name: string): boolean {
  if (SECRET_NAME.test(name)) return true;
  return name.startsWith(PRODUCER_ENV_PREFIX) && isContractName(name)
    ? producerEnvVariable(name).secret
    : false;
}

function isContractName(name: string): boolean {
  try {
    producerEnvVariable(name);
    return true;
  } catch {
    return false;
  }
}

/** A command-line string as the contract's typed value (`1`/`true` for a boolean, a number). */
function typed(name: string, text: string): string | number | boolean {
  const type = producerEnvVariable(name).type;
  if (type === 'boolean')
    return /^(1|true|yes|on)$/i.test(text) ? true : /^(0|false|no|off)$/i.test(text) ? false : text;
  if ((type === 'integer' || type === 'number') && text.trim() !== '') {
    const n = Number(text);
    return Number.isNaN(n) ? text : n;
  }
  return text;
}

/** Why no extra pair may name this variable (a sentence starting with it), or undefined. */
export function extraEnvNameProblem(name: string): string | undefined {
  if (name in SET_BY_PROVISION)
    return `${name} is set by provisioning from ${SET_BY_PROVISION[name as keyof typeof SET_BY_PROVISION]}; an extra pair may not replace it`;
  if (name.startsWith(PRODUCER_ENV_PREFIX) && !isContractName(name))
    return `${name} is not a variable the producer reads (producer-app/streamlab_producer/env_contract.json)`;
  return undefined;
}

/**
 * Why an extra pair cannot go into the env file (a sentence starting with its name), or
 * the value as the file holds it (a producer variable as `producerEnvValue` writes it).
 */
export function checkExtraEnv(
  name: string,
  value: string,
): { problem: string } | { value: string } {
  const problem = extraEnvNameProblem(name);
  if (problem) return { problem };
  if (!name.startsWith(PRODUCER_ENV_PREFIX)) return { value };
  try {
    return { value: producerEnvValue(name, typed(name, value)) };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}
