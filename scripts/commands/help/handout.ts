/** `streamlab handout --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab handout [--inventory FILE | --offline] [--out DIR] [--outputs FILE]
                         [--config FILE]

Writes, per student, DIR/<host>.md (host, user, key path, stream, region, producer,
every notebook widget value), DIR/<host>.ssh_config and DIR/<host>.known_hosts (the pinned host
key: from the entry's knownHostsFile, else read with ssh-keyscan and kept only if its
fingerprint is the pinned one), plus DIR/ssh_config with every host. The blocks say
StrictHostKeyChecking yes: a student's ssh refuses any other host key.
The inventory defaults to the one \`streamlab up\` saved: .streamlab/<name>/inventory.json;
each page gives the stream and region of the host's entry (an entry without a stream is
refused, naming the host).
With config \`consumer\`, each page also gives the student's reader role ARN and external
id, read from the stack's outputs (terraform output in cdktf.out/stacks/<name>).

Options:
  --inventory FILE  inventory JSON/YAML ({"hosts":[{name,address,port,user,privateKeyPath,
                    hostKeyFingerprint,stream,region}]})
  --offline         the offline lab's hosts (\`streamlab lab up\`; no reader roles)
  --out DIR         output folder (default: handouts/<name>)
  --outputs FILE    the stack's \`terraform output -json\`, instead of running terraform`;
