/** The image build shows progress: debootstrap's own lines, read as they arrive. */
import { debootstrapProgress } from '../../../scripts/lab/rootfs';
import { run } from '../../../scripts/lab/subprocess';

describe('run(…, { onLine })', () => {
  it("hands over each line of a real program's stdout and stderr as it arrives", async () => {
    const lines: string[] = [];
    await run(['sh', '-c', 'printf "one\\ntwo\\n"; printf "three\\n" >&2; printf "last"'], {
      onLine: (l) => lines.push(l),
    });
    expect(lines.sort()).toEqual(['last', 'one', 'three', 'two']);
  });
});

describe('debootstrapProgress', () => {
  // Lines as debootstrap's `info` function prints them (functions, "I: %s").
  const lines = [
    'I: Retrieving InRelease ',
    'I: Checking Release signature',
    'I: Retrieving Packages ',
    'I: Retrieving adduser 3.134',
    'I: Retrieving apt 2.6.1',
    'I: Retrieving base-files 12.4+deb12u5',
    'I: Validating adduser 3.134',
    'I: Validating apt 2.6.1',
    'W: something debootstrap warns about',
    'I: Extracting adduser...',
  ];

  it('says each new phase at once and, within one, at most once per interval with a count', () => {
    let t = 0;
    const said: string[] = [];
    const onLine = debootstrapProgress(
      (m) => said.push(m),
      5000,
      () => t,
    );
    for (const l of lines) {
      onLine(l);
      t += 2000;
    }
    expect(said).toEqual([
      'debootstrap: Retrieving InRelease (1 so far)',
      'debootstrap: Checking Release (1 so far)',
      'debootstrap: Retrieving Packages (1 so far)',
      'debootstrap: Retrieving base-files (4 so far)',
      'debootstrap: Validating adduser (1 so far)',
      'debootstrap: Extracting adduser... (1 so far)',
    ]);
  });
});
