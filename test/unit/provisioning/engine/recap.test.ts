import { renderDiff } from '../../../../provisioning/engine/diff';
import { emptyRecap, formatRecap, recapExitCode } from '../../../../provisioning/engine/recap';
import { batchCommands } from '../../../../provisioning/engine/runner';

describe('recap', () => {
  it('exit status is non-zero on any failed or unreachable host', () => {
    const ok = { ...emptyRecap(), ok: 9, changed: 2 };
    expect(recapExitCode({ a: ok, b: ok })).toBe(0);
    expect(recapExitCode({ a: ok, b: { ...emptyRecap(), failed: 1 } })).toBe(1);
    expect(recapExitCode({ a: ok, b: { ...emptyRecap(), unreachable: 1 } })).toBe(1);
    expect(recapExitCode({})).toBe(0);
  });

  it('formats like Ansible', () => {
    expect(
      formatRecap({ lab: { ...emptyRecap(), ok: 11, skipped: 3 }, student1: emptyRecap() }),
    ).toBe(
      'lab      : ok=11 changed=0 unreachable=0 failed=0 skipped=3\nstudent1 : ok=0 changed=0 unreachable=0 failed=0 skipped=0',
    );
  });
});

describe('command batching', () => {
  it('joins stdin-free commands into one set -e script; stdin commands go alone', () => {
    const batches = batchCommands([
      { run: 'a' },
      { run: 'b' },
      { run: 'cat > f', stdin: 'x' },
      { run: 'c' },
    ]);
    expect(batches.map((b) => b.run)).toEqual(['set -e\na\nb', 'set -e\ncat > f', 'set -e\nc']);
    expect(batches[1]!.stdin).toBe('x');
  });
});

describe('diff rendering', () => {
  it('shows changed lines with context and masks secrets', () => {
    const d = renderDiff({ path: '/f', before: 'a\nb\nc\n', after: 'a\nB\nc\nd\n' });
    expect(d).toBe('--- /f\n+++ /f\n@@\n a\n-b\n+B\n c\n+d');
    expect(renderDiff({ path: '/f', before: undefined, after: 'x\n' })).toBe(
      '--- (absent)\n+++ /f\n@@\n+x',
    );
    const s = renderDiff({ path: '/s.env', before: 'TOKEN=old', after: 'TOKEN=new', secret: true });
    expect(s).not.toContain('TOKEN');
    expect(s).toContain('secret file');
  });
});
