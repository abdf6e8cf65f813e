/** `streamlab provision --help`, apart from the command so printing it loads nothing else. */
import {
  appDirOption,
  configOption,
  connectTimeoutOption,
  endpointUrlOption,
  optionHelp,
} from '../../cli/options';

/** Hosts handed to provision should be up already: a shorter wait than `up`'s. */
export const PROVISION_CONNECT_TIMEOUT_S = 120;

export const usage = `Usage: streamlab provision (--inventory FILE | --offline) [--config FILE] [--check] [--diff]
                          [--limit NAME]... [--forks N] [--tags T,...] [--skip-tags T,...]
                          [--endpoint-url URL] [--env KEY[=VALUE]]... [--app-dir DIR] [--json]

Sets up every host of the inventory as a lab host: universe (Ubuntu), apt packages
(python3-pip python3-boto3 python3-tweepy python3-venv python3-websockets), a venv in
/opt/streamlab/venv, producer-app/ synced to /opt/streamlab/producer-app, its config in
/etc/streamlab/producer.env (0600), and streamlab-producer.service enabled and running.
Re-running changes nothing unless something differs. The config's hosts section adds
your own tasks and chooses the roles and their order (docs: "Your own host tasks").

Options:
  --inventory FILE    YAML or JSON: {"hosts": [{"name", "address", "port", "user",
                      "privateKeyPath", "hostKeyFingerprint", "stream", "region"?,
                      "endpoint"?}]} (what \`streamlab up\` saves; \`streamlab lab host up
                      --json\` prints the connection fields, add "stream"); knownHostsFile
                      may replace the fingerprint. The producer writes to the entry's
                      stream, in its region (default: the config's), at its endpoint
  --offline           the offline lab's hosts, provisioned as \`streamlab lab up\` does
                      (synthetic source, the emulator's dummy credentials, no pip upgrade)
  --check             plan only: report what would change, change nothing
  --diff              show before/after of changed files (the env file is masked)
  --limit NAME        only this host (repeatable)
  --forks N           hosts provisioned at once (default 10)
  --tags T,...        only tasks with one of these tags ("lab": the lab's role, "tasks":
                      the config's own tasks, or a tag of hosts.tasks; repeatable)
  --skip-tags T,...   not the tasks with one of these tags (repeatable)
${optionHelp(endpointUrlOption, 22, " for every producer, instead of the entries' own")}
  --env KEY=VALUE     extra variable for the producer's env file (repeatable); a
                      producer variable is checked like the config's, and one that
                      provisioning sets itself (stream, source, token…) is refused
  --env KEY           the same, with the value of the environment variable KEY: the
                      only way for a secret (argv is public: KEY=VALUE is refused for
                      *SECRET*, *TOKEN*, *PASSWORD*…), e.g. emulator credentials:
                      --env AWS_ACCESS_KEY_ID=local --env AWS_SECRET_ACCESS_KEY
${optionHelp(appDirOption, 22)}
${optionHelp(connectTimeoutOption(PROVISION_CONNECT_TIMEOUT_S), 22)}
${optionHelp(configOption, 22)}
  --json              print exactly one JSON object: {"recap": {"<host>": {"ok", "changed",
                      "unreachable", "failed", "skipped"}}, "durationMs": N}

Secrets come from the environment, never from arguments: STREAMLAB_X_BEARER_TOKEN
(for producer.source "x") is written only into the 0600 env file on the host.

Output: one line per task and host (ok / changed / skipped / failed / unreachable,
the reason and milliseconds), then the recap.
Exit status: 0 all hosts ok, 1 a host failed or was unreachable, 2 bad inventory,
config or usage.`;
