import { z } from 'zod';
import { labConfigSchema } from '../../config/schema';
import { EXIT, parseOptions, type Command } from '../command';

/** JSON Schema of streamlab.yaml; config/streamlab.schema.json is this output, kept in sync by a test. */
export function labConfigJsonSchema(): object {
  return {
    ...z.toJSONSchema(labConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'streamlab lab config (streamlab.yaml)',
  };
}

export const command: Command = {
  path: ['schema'],
  summary: 'Print the JSON Schema of streamlab.yaml (for editors)',
  usage: [
    'Usage: streamlab schema',
    '',
    'Prints the JSON Schema of the config file to stdout. The repository keeps a copy in',
    'config/streamlab.schema.json; point your editor at it (the example config does).',
  ].join('\n'),
  async run(args) {
    parseOptions(args, {});
    console.log(JSON.stringify(labConfigJsonSchema(), null, 2));
    return EXIT.ok;
  },
};
