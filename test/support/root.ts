/**
 * Integration tests that need root (network namespaces, systemd-nspawn) skip on a
 * developer laptop but must run in CI: under CI=true a missing capability fails.
 */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export const describeAsRoot: jest.Describe = (() => {
  if (isRoot) return describe;
  if (process.env.CI === 'true') {
    return ((name: string, fn: () => void) =>
      describe(name, () => {
        it('needs root (CI=true makes this a failure, not a skip)', () => {
          throw new Error('integration tests need root; CI runs them as root');
        });
        void fn;
      })) as unknown as jest.Describe;
  }
  return describe.skip;
})();
