/** `streamlab init --help`, apart from the command so printing it loads nothing else. */
export const usage = `Usage: streamlab init [--yes] [--detect-ip] [--name NAME] [--region REGION]
                      [--operator-cidr CIDR] [--students a,b,c] [--force] [--config FILE]

Writes streamlab.yaml from streamlab.example.yaml (asking for the values that matter
unless --yes), then generates one ed25519 SSH key pair per host under
<keysDir>/<name>/<host> (0600). Existing keys are kept; an existing config is kept unless
--force. Only the public keys ever reach AWS.

Options:
  --yes              no questions: example values plus the flags given
  --detect-ip        set operatorCidr to this machine's public IP/32 (asks checkip.amazonaws.com)
  --name NAME        lab or classroom name (DNS-safe)
  --region REGION    AWS region
  --operator-cidr C  who may SSH in, e.g. 203.0.113.7/32
  --students LIST    comma-separated student names (one host each)
  --force            overwrite an existing config file`;
