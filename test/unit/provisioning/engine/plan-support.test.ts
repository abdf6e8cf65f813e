/** The tests' fact feeder: facts named, a misnamed or ambiguous one refused, naming the task. */
import { defineFact } from '../../../../provisioning/engine/facts';
import type { Task } from '../../../../provisioning/engine/task';
import { planOf } from './plan-support';

/** A task whose plan reports every answer it was given, as `stdout|code`. */
function echo(...keys: string[]): Task {
  const facts = keys.map((key) => defineFact(key, 'true', (out, code) => `${out}|${code}`));
  return {
    name: 'echo facts',
    facts,
    plan: (answers) => ({ kind: 'ok', reason: facts.map((f) => answers.get(f)).join(' ') }),
  };
}

describe('planOf feeds facts by name', () => {
  it('by kind or whole key, the rest answering nothing', () => {
    const task = echo('file:/a', 'file:/b', 'systemd:x.service');
    expect(planOf(task, { 'file:/b': 'B', systemd: { stdout: 'S', code: 3 } }).reason).toBe(
      '|0 B|0 S|3',
    );
  });

  it('refuses a name the task does not ask, and a kind that names two facts', () => {
    const task = echo('file:/a', 'file:/b');
    expect(() => planOf(task, { dpkg: '' })).toThrow(
      'fed fact "dpkg" is not a fact of task "echo facts" (it asks: file:/a, file:/b)',
    );
    expect(() => planOf(task, { file: '' })).toThrow(/"file" names more than one fact/);
  });
});
