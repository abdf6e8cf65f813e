/** `streamlab inventory --help`, apart from the command so printing it loads nothing else. */
import { configOption, optionHelp } from '../../cli/options';

export const DEFAULT_ANSIBLE_INVENTORY = 'inventory.ansible.yml';

export const usage = `Usage: streamlab inventory --format ansible [--output FILE] [--inventory FILE | --offline]
                          [--config FILE]

Writes the lab's hosts as an Ansible YAML inventory: per host ansible_host, ansible_port,
ansible_user, ansible_ssh_private_key_file, and ansible_ssh_common_args naming a
known_hosts file beside it (FILE without .yml, plus .known_hosts) that holds only the
host's pinned key, with StrictHostKeyChecking=yes. The record's stream, region, endpoint
and instance id go along as streamlab_* variables, so \`streamlab provision --inventory\`
reads the file back: \`ansible all -i inventory.ansible.yml -m ping\`.

Options:
  --format ansible    the inventory's format (Ansible's YAML inventory)
  --output FILE       where to write it (default ${DEFAULT_ANSIBLE_INVENTORY})
  --inventory FILE    another inventory than the one \`streamlab up\` saved
  --offline           the offline lab's hosts (\`streamlab lab up\`)
${optionHelp(configOption, 22, ', for the default inventory')}

Exit status: 0 written; 1 a pinned host key could not be had (nothing is written);
2 usage or a bad inventory.

Examples:
  streamlab inventory --format ansible
  streamlab inventory --format ansible --offline --output lab.yml`;
