/** `streamlab lab packages --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab lab packages [--tests] [--install]

Lists the Debian packages the offline lab needs on this machine (with --tests, also what
\`npm test\` needs), each with why and whether it is installed. With --install, installs
the missing ones: apt-get update once, then one apt-get install --no-install-recommends
(root on Debian or Ubuntu). \`streamlab lab up --install-packages\` (what \`npm start\`
runs) and \`npm test\` use the same list and installer.

Options:
  --tests     also the packages of the test suite (Debian's Python for the producer)
  --install   install what is missing (needs root, Debian or Ubuntu)

Exit status: 0 all installed (or installed now), 1 some missing or apt-get failed,
2 usage, or --install where it cannot install (not root, not Debian-family).`;
