/** `streamlab schema --help`, apart from the command so printing it loads nothing else. */
export const usage = [
  'Usage: streamlab schema',
  '',
  'Prints the JSON Schema of the config file to stdout. The repository keeps a copy in',
  'config/streamlab.schema.json; point your editor at it (the example config does).',
].join('\n');
