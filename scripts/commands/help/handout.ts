/** `streamlab handout --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab handout [--inventory FILE] [--out DIR] [--config FILE]

Writes, per student, DIR/<host>.md (host, user, key path, stream, region, producer,
notebook widget values) and DIR/<host>.ssh_config, plus DIR/ssh_config with every host.
The inventory defaults to the one \`streamlab up\` saved: .streamlab/<name>/inventory.json.

Options:
  --inventory FILE  inventory JSON/YAML ({"hosts":[{name,address,port,user,privateKeyPath,hostKeyFingerprint}]})
  --out DIR         output folder (default: handouts/<name>)`;
