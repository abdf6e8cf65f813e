/** Reading a doc page's walkthrough blocks, and the AWS page's two rehearsals. */
import { join } from 'node:path';
import { walkthroughsIn, walkthroughsOf } from '../../support/doc-walkthrough';

describe('walkthroughsIn', () => {
  it('reads each marked sh block, in order, without blank lines and comments', () => {
    const page = [
      'Some prose.',
      '<!-- walkthrough: first -->',
      '```sh',
      'a --yes',
      '',
      '# a comment',
      '  b',
      '```',
      '```sh',
      'not marked',
      '```',
      '<!-- walkthrough: second -->',
      '```sh',
      'c',
      '```',
    ].join('\n');
    expect(walkthroughsIn(page)).toEqual([
      { title: 'first', commands: ['a --yes', 'b'] },
      { title: 'second', commands: ['c'] },
    ]);
  });

  it('finds the one-host and the class rehearsals in docs/aws-lab.md, each through up, status, tail, down', () => {
    const found = walkthroughsOf(join(__dirname, '../../../docs/aws-lab.md'));
    expect(found.map((w) => w.title)).toEqual(['one host', 'a class of three']);
    for (const w of found) {
      const verbs = w.commands.map((c) => /^npm exec --no -- streamlab (\S+)/.exec(c)?.[1]);
      expect(verbs).toEqual(expect.arrayContaining(['init', 'up', 'status', 'tail', 'down']));
      expect(verbs.at(-1)).toBe('down');
    }
  });
});
