/**
 * The course's host setup as a playbook: universe (Ubuntu only), apt update, the
 * Python packages from apt, a venv over them, the producer synced by checksum, its
 * config in a 0600 env file, and a systemd service restarted only when code, config
 * or unit changed.
 */
import { join } from 'node:path';
import type { LabConfig } from '../../config';
import { producerEnvValue } from '../../config/producer-env';
import { checkExtraEnv, SET_BY_PROVISION } from './extra-env';
import type { Playbook } from '../engine/task';
import type { InventoryHost } from '../inventory';
import * as apt from '../tasks/apt';
import * as files from '../tasks/files';
import * as pip from '../tasks/pip';
import * as systemd from '../tasks/systemd';
import { renderTemplate } from '../tasks/template';
import { tree } from '../tasks/tree';
import * as users from '../tasks/users';
import * as wait from '../tasks/wait';

/** The producer's systemd service, as systemctl, journalctl -u and the handout name it. */
export const PRODUCER_SERVICE = 'streamlab-producer';
/** Its unit file's name, which the tasks and the handler go by. */
export const SERVICE = `${PRODUCER_SERVICE}.service`;
export const RESTART_HANDLER = `restart ${SERVICE}`;
export const APP_DIR = '/opt/streamlab/producer-app';
export const VENV_DIR = '/opt/streamlab/venv';
export const ENV_FILE = '/etc/streamlab/producer.env';
export const SERVICE_USER = 'streamlab';
/** Writable by the service (systemd StateDirectory=): the dead-letter file lives here. */
export const STATE_DIR = `/var/lib/${PRODUCER_SERVICE}`;
export const APT_PACKAGES = [
  'python3-pip',
  'python3-boto3',
  'python3-tweepy',
  'python3-venv',
  'python3-websockets',
];
/**
 * Never synced: tests and their local stand-ins (harness/) are not the service, and Python
 * caches differ per machine and would defeat checksums.
 */
export const APP_EXCLUDES = [
  'tests',
  'harness',
  '__pycache__',
  '*.pyc',
  '.pytest_cache',
  '*.egg-info',
];

/**
 * What the playbook reads, per host: a plain object, as any role over a host would read
 * it. producerHostVars makes it from its three layers.
 */
export interface ProducerHostVars {
  readonly stream: string;
  readonly region: string;
  readonly source: string;
  readonly hashtag: string;
  readonly location: string;
  /** Absent: the producer's default for the source (synthetic 10 records/s, replay unpaced). */
  readonly rate?: number;
  /** Kinesis endpoint override (offline lab: the local emulator). */
  readonly endpointUrl?: string;
  /** Secrets for the env file only; never logged, never in argv. */
  readonly xBearerToken?: string;
  /** Local producer-app directory to sync. */
  readonly producerAppDir: string;
  /** Upgrade pip in the venv where an index is reachable. @default true */
  readonly upgradePip?: boolean;
  readonly pipIndex?: string;
  /** More variables (STREAMLAB_ or AWS_ ones) for the env file (e.g. emulator credentials offline). */
  readonly extraEnv?: Readonly<Record<string, string>>;
}

/**
 * What the playbook takes from a host's record: where its producer writes (the stream,
 * required here; the region; the endpoint, absent on AWS, or the producer's own one offline).
 */
export type HostStreamTarget = Pick<
  InventoryHost,
  'name' | 'region' | 'endpoint' | 'producerEndpoint'
> & {
  readonly stream: string;
};

/**
 * Values given explicitly (`provision --endpoint-url`, `--app-dir`, `--env`, the X token
 * from the environment, what the offline lab's hosts need): they win over the config and
 * the record. An undefined value sets nothing.
 */
export type VarOverrides = {
  readonly [K in keyof ProducerHostVars]?: ProducerHostVars[K] | undefined;
};

/** Repository root (this file lives in provisioning/playbooks/). */
export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * A host's vars in three layers, each over the one before: defaults from the config (its
 * region and producer settings, this checkout's producer-app), then the host's record (its
 * stream, region and endpoint), then the explicit overrides.
 */
export function producerHostVars(
  config: LabConfig,
  host: HostStreamTarget,
  overrides: VarOverrides = {},
): ProducerHostVars {
  const fromConfig: VarOverrides = {
    region: config.region,
    source: config.producer.source,
    hashtag: config.producer.hashtag,
    location: config.producer.location,
    rate: config.producer.rate,
    producerAppDir: join(REPO_ROOT, 'producer-app'),
  };
  const fromRecord: VarOverrides = {
    stream: host.stream,
    region: host.region,
    endpointUrl: host.producerEndpoint ?? host.endpoint,
  };
  return layered(fromConfig, fromRecord, overrides) as ProducerHostVars;
}

/** The layers merged, each over the ones before it; an undefined value leaves the one below. */
function layered(...layers: VarOverrides[]): VarOverrides {
  const out: Record<string, unknown> = {};
  for (const layer of layers)
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) out[key] = value;
  return out as VarOverrides;
}

/**
 * One systemd EnvironmentFile assignment. Inside double quotes systemd honours only
 * the escapes \" \\ \$ \` and keeps every other character, newlines included, so any
 * value arrives byte for byte and nothing is ever expanded or executed.
 */
export function envAssignment(key: string, value: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(key))
    throw new Error(`env key "${key}" is not a valid variable name`);
  return `${key}="${value.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

/**
 * The producer's env file. Every STREAMLAB_* name and value is checked against the
 * producer's environment contract (config/producer-env.ts), which the producer reads too;
 * an extra variable never replaces one set here (extra-env.ts).
 */
export function envFileContent(v: ProducerHostVars): string {
  const settings: [keyof typeof SET_BY_PROVISION, string | number | boolean | undefined][] = [
    ['STREAMLAB_STREAM', v.stream],
    ['STREAMLAB_REGION', v.region],
    ['STREAMLAB_SOURCE', v.source],
    ['STREAMLAB_HASHTAG', v.hashtag],
    ['STREAMLAB_LOCATION', v.location],
    // Left out when the config has no rate, so the producer's own rule applies.
    ['STREAMLAB_RATE', v.rate],
    ['STREAMLAB_ENDPOINT_URL', v.endpointUrl],
    // Always off: hosts publish no CloudWatch metrics (their role may not), since a student
    // could write a classmate's dimension; Kinesis counts the writes per stream instead.
    // Set here, so an extra pair cannot turn it on (extra-env.ts).
    ['STREAMLAB_CLOUDWATCH', false],
    // The working directory is root-owned code; undeliverable records go to the state dir.
    ['STREAMLAB_DEAD_LETTER', `${STATE_DIR}/dead-letter.jsonl`],
    ['STREAMLAB_X_BEARER_TOKEN', v.xBearerToken],
  ];
  const entries: [string, string][] = [
    ...settings
      .filter((e): e is [(typeof e)[0], string | number | boolean] => e[1] !== undefined)
      .map(([k, val]): [string, string] => [k, producerEnvValue(k, val)]),
    ...Object.entries(v.extraEnv ?? {}).map(([k, val]): [string, string] => {
      // The command line's pairs were checked with a message naming the option; this is
      // the last line of defence for every other caller.
      const checked = checkExtraEnv(k, val);
      if ('problem' in checked) throw new Error(`extraEnv: ${checked.problem}`);
      return [k, checked.value];
    }),
  ];
  return [
    `# Written by \`streamlab provision\`; read by ${SERVICE}. Do not edit: the next run overwrites it.`,
    ...entries.map(([k, val]) => envAssignment(k, val)),
    '',
  ].join('\n');
}

export const UNIT_TEMPLATE = `[Unit]
Description=streamlab producer (posts into a Kinesis data stream)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={{ user }}
Group={{ user }}
EnvironmentFile={{ envFile }}
# The package is imported from here: \`python -m streamlab_producer\` needs it on sys.path.
WorkingDirectory={{ appDir }}
StateDirectory={{ stateDirName }}
ExecStart={{ venv }}/bin/python -m streamlab_producer
Restart=on-failure
RestartSec=5
StandardOutput=journal
StandardError=journal
SyslogIdentifier={{ service }}
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full
ProtectHome=yes

[Install]
WantedBy=multi-user.target
`;

/** The unit file, rendered from UNIT_TEMPLATE with the playbook's paths. */
export function unitContent(): string {
  return renderTemplate(UNIT_TEMPLATE, {
    user: SERVICE_USER,
    envFile: ENV_FILE,
    appDir: APP_DIR,
    venv: VENV_DIR,
    stateDirName: STATE_DIR.replace('/var/lib/', ''),
    service: PRODUCER_SERVICE,
  });
}

export function producerHostPlaybook(v: ProducerHostVars): Playbook {
  const notify = [RESTART_HANDLER];
  return {
    name: 'producer-host',
    tasks: [
      wait.cloudInit(),
      apt.repository({ component: 'universe' }),
      apt.update({ maxAgeSeconds: 86_400 }),
      apt.packages({ names: APT_PACKAGES }),
      users.systemUser({ name: SERVICE_USER }),
      files.directory({ path: '/opt/streamlab', mode: '0755' }),
      files.directory({ path: '/etc/streamlab', mode: '0755' }),
      pip.venv({ path: VENV_DIR, systemSitePackages: true }),
      ...(v.upgradePip === false
        ? []
        : [pip.upgradePip({ venv: VENV_DIR, ...(v.pipIndex ? { index: v.pipIndex } : {}) })]),
      tree({ src: v.producerAppDir, dest: APP_DIR, exclude: APP_EXCLUDES, notify }),
      files.file({
        name: `env file ${ENV_FILE}`,
        path: ENV_FILE,
        content: envFileContent(v),
        mode: '0600',
        secret: true,
        notify,
      }),
      systemd.unit({
        name: SERVICE,
        content: unitContent(),
        notify,
      }),
      systemd.service({ name: SERVICE, enabled: true, running: true }),
    ],
    handlers: [{ name: RESTART_HANDLER, task: systemd.restart(SERVICE) }],
  };
}
