/**
 * The handout's Spark notebook section: a value for every widget the notebook shows
 * (consumer/settings.py WIDGETS, in that order), and with config `consumer` the
 * student's reader role and that student's own external id. A pure function, like the
 * rest of render.
 */
import type { LabConfig } from '../../config/schema';
import type { InventoryHost } from '../../provisioning/inventory';
import { codeCell } from './code-cell';

/** What the notebook reads from a host's record (a handout's host has both fields set). */
export type NotebookHost = Pick<InventoryHost, 'name'> & {
  readonly stream: string;
  readonly region: string;
};

/** One student's reader role (config `consumer`): its ARN and the external id only they get. */
export interface StudentReader {
  readonly roleArn: string;
  readonly externalId: string;
}

export interface NotebookWidget {
  readonly name: string;
  readonly value: string;
  /** What the value is for, or when to change it. */
  readonly note: string;
}

/** A Unity Catalog identifier from lab and student names ("-" is not allowed there). */
const identifier = (text: string) => text.replace(/-/g, '_');

export function notebookWidgets(
  config: LabConfig,
  host: NotebookHost,
  studentReader?: StudentReader,
): NotebookWidget[] {
  const { stream } = host;
  const reader = config.consumer && studentReader;
  return [
    {
      name: 'mode',
      value: 'classic',
      note: '`serverless` on the Free Edition or serverless compute',
    },
    { name: 'stream_name', value: stream, note: 'your Kinesis stream' },
    { name: 'region', value: host.region, note: 'the lab region' },
    {
      name: 'initial_position',
      value: 'latest',
      note: '`trim_horizon` to start from the oldest post kept',
    },
    reader
      ? {
          name: 'role_arn',
          value: reader.roleArn,
          note: 'your reader role (may read only your stream)',
        }
      : { name: 'role_arn', value: '', note: 'empty: the cluster reads with its own credentials' },
    reader
      ? {
          name: 'role_external_id',
          value: reader.externalId,
          note: "your reader role's sts:ExternalId (yours alone: do not share it)",
        }
      : { name: 'role_external_id', value: '', note: 'empty (only with role_arn)' },
    {
      name: 'service_credential',
      value: '',
      note: 'the name of your Databricks service credential, if you use one',
    },
    {
      name: 'secret_scope',
      value: '',
      note: 'a secret scope holding access keys, if you use keys',
    },
    {
      name: 'table',
      value: `workspace.default.${identifier(`${config.name}_${host.name}`)}_tweets`,
      note: 'serverless only: the Delta table the posts go to',
    },
    {
      name: 'checkpoint',
      value: `/Volumes/workspace/default/streamlab/checkpoints/${stream}`,
      note: 'serverless only: where the read position is kept',
    },
  ];
}

const cell = (name: string, value: string) => (value === '' ? '(empty)' : codeCell(name, value));

export function notebookSection(
  config: LabConfig,
  host: NotebookHost,
  reader?: StudentReader,
): string {
  const rows = notebookWidgets(config, host, reader).map(
    (w) => `| ${w.name} | ${cell(w.name, w.value)} | ${w.note} |`,
  );
  return `## Spark notebook (consumer/)

Open \`consumer/tweets_streaming.py\` in Databricks and set its widgets to:

| widget | value | |
| --- | --- | --- |
${rows.join('\n')}

\`consumer/README.md\` says which compute and credentials each mode needs.
`;
}
