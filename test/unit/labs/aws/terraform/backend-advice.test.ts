/** A changed state backend (config.backend added or removed) gets advice, not a wall of text. */
import { adviceFor } from '../../../../../labs/aws/terraform/diagnose';

describe('backend change advice', () => {
  it('says to migrate the state once', () => {
    const stderr = [
      '╷',
      '│ Error: Backend configuration changed',
      '│ ',
      '│ A change in the backend configuration has been detected, which may require',
      '│ migrating existing state.',
      '╵',
    ].join('\n');
    expect(adviceFor(stderr)).toMatch(/terraform init -migrate-state/);
  });
});
