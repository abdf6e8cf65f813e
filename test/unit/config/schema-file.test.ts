import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labConfigJsonSchema } from '../../../scripts/commands/schema';

it('config/streamlab.schema.json matches the zod schema (regenerate with `npm exec --no -- streamlab schema`)', () => {
  const committed = JSON.parse(
    readFileSync(join(__dirname, '../../../config/streamlab.schema.json'), 'utf8'),
  );
  expect(committed).toEqual(labConfigJsonSchema());
});
