import { z } from 'zod';
import { labConfigSchema } from '../../config/schema';
import { EXIT } from '../../config/errors';
import { parseOptions, type Command } from '../cli/command';
import { usage } from './help/schema';

/** JSON Schema of streamlab.yaml; config/streamlab.schema.json is this output, kept in sync by a test. */
export function labConfigJsonSchema(): object {
  return {
    ...z.toJSONSchema(labConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'streamlab lab config (streamlab.yaml)',
  };
}

export const command: Command = {
  usage,
  async run(args) {
    parseOptions(args, {});
    console.log(JSON.stringify(labConfigJsonSchema(), null, 2));
    return EXIT.ok;
  },
};
