/** After Ctrl-C of the dashboard (the end of `npm start`): the lab runs on, and how to stop it. */
import { stillRunning } from '../../../../scripts/commands/dashboard';

describe('dashboard: what Ctrl-C leaves running', () => {
  it('the offline lab: still running, and the command that stops it', () => {
    expect(stillRunning('lab', true)).toBe(
      'dashboard stopped; the offline lab lab is still running: `npm exec --no -- streamlab lab status` shows it, `npm exec --no -- streamlab lab down` stops it and removes every trace',
    );
  });

  it('the AWS lab: still up and costing money, and the command that removes it', () => {
    expect(stillRunning('bigdata', false)).toContain(
      'the lab bigdata is still up on AWS (it costs money while up): `npm exec --no -- streamlab down` removes it',
    );
  });
});
