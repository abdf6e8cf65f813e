import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseDocument } from 'yaml';
import { DEFAULT_CONFIG_FILE, parseConfigText } from '../../config/load';
import { EXIT } from '../../config/errors';
import { parseOptions, type Command } from '../cli/command';
import { ensureLabKeys, shownKeyPath } from '../../labs/setup/keys';
import { detectPublicIp } from '../../labs/setup/operator-ip';
import { usage } from './help/init';

const EXAMPLE = join(__dirname, '../../streamlab.example.yaml');

export const command: Command = {
  usage,
  async run(args, ctx) {
    const { values } = parseOptions(args, {
      yes: { type: 'boolean', default: false },
      'detect-ip': { type: 'boolean', default: false },
      name: { type: 'string' },
      region: { type: 'string' },
      'operator-cidr': { type: 'string' },
      students: { type: 'string' },
      force: { type: 'boolean', default: false },
    });
    const file = ctx.configFile ?? DEFAULT_CONFIG_FILE;
    const keepExisting = existsSync(file) && !values.force;
    let text: string;
    if (keepExisting) {
      console.error(`${file} exists: keeping it (--force to overwrite); generating keys only`);
      text = readFileSync(file, 'utf8');
    } else {
      const answers: Record<string, string | undefined> = {
        name: values.name,
        region: values.region,
        operatorCidr: values['operator-cidr'],
        students: values.students,
      };
      if (values['detect-ip']) answers.operatorCidr = await detectPublicIp();
      if (!values.yes && process.stdin.isTTY) await ask(answers);
      text = withAnswers(readFileSync(EXAMPLE, 'utf8'), answers);
    }
    const config = parseConfigText(text, file); // validate before anything is written
    if (!keepExisting) {
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, text, { mode: 0o644 });
      renameSync(tmp, file);
      console.log(`wrote ${file}`);
    }
    for (const r of await ensureLabKeys(config, () => {})) {
      console.log(`${r.created ? 'created' : 'kept   '} ${shownKeyPath(r.privateKeyPath)}{,.pub}`);
    }
    if (config.operatorCidr === '203.0.113.7/32') {
      console.error(
        'note: operatorCidr is the example address: set it to yours (or run init --detect-ip --force)',
      );
    }
    return EXIT.ok;
  },
};

/** Sets answered keys in the example document, keeping its comments. */
export function withAnswers(
  exampleText: string,
  answers: Record<string, string | undefined>,
): string {
  const doc = parseDocument(exampleText);
  for (const key of ['name', 'region', 'operatorCidr'] as const) {
    const v = answers[key];
    if (v) doc.set(key, v);
  }
  if (answers.students) {
    doc.set(
      'students',
      answers.students
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }
  return doc.toString();
}

async function ask(answers: Record<string, string | undefined>): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const prompts: Array<[string, string]> = [
      ['name', 'Lab name (DNS-safe)'],
      ['region', 'AWS region'],
      ['operatorCidr', 'Your public IP as CIDR (e.g. 203.0.113.7/32)'],
      ['students', 'Students, comma-separated (empty = one host "lab")'],
    ];
    for (const [key, label] of prompts) {
      if (answers[key]) continue;
      const reply = (await rl.question(`${label}: `)).trim();
      if (reply) answers[key] = reply;
    }
  } finally {
    rl.close();
  }
}
