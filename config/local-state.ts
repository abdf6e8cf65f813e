/**
 * The folder, beside the config, where streamlab keeps what it must not lose and nobody may
 * commit: the SSH key pairs (the config's default `keysDir`), the local Terraform state and
 * each lab's inventories. Its name is spelled here only; config, stacks and the labs build
 * their paths from it (.gitignore, which cannot import, lists it too).
 */
export const LOCAL_STATE_DIR = '.streamlab';
