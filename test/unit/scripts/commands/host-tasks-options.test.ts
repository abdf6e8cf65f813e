/** Usage errors of `inventory` and of provision's --tags/--skip-tags: exit 2 before any host is read. */
import { UsageError } from '../../../../config/errors';
import { commandContext } from '../../../../scripts/cli/context';
import { command as inventory } from '../../../../scripts/commands/inventory';
import { command as provision } from '../../../../scripts/commands/provision';

const ctx = commandContext({ configFile: '/nonexistent/streamlab.yaml' });

it.each([
  ['inventory', [], /--format ansible is required/],
  [
    'inventory',
    ['--format', 'json'],
    /--format: "json" is not a format streamlab writes \(ansible\)/,
  ],
  ['provision', ['--offline', '--tags', 'a b'], /--tags: "a b" is not a tag/],
  ['provision', ['--offline', '--skip-tags', 'ok,-x'], /--skip-tags: "-x" is not a tag/],
])('%s %j', async (name, args, message) => {
  const cmd = name === 'inventory' ? inventory : provision;
  const e = await cmd.run(args, ctx).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(UsageError);
  expect((e as Error).message).toMatch(message);
});

it('inventory --help says what it writes, its exit status and examples', () => {
  expect(inventory.usage).toMatch(/^Usage: streamlab inventory --format ansible/);
  expect(inventory.usage).toMatch(/Exit status:/);
  expect(inventory.usage).toMatch(/Examples:/);
});
