/**
 * Stack-side fixes of issue 12's apply-time findings: what the synthesized JSON must hold
 * so that AWS accepts it on the first apply.
 */
import { STACK_TAG_KEYS } from '../../../config/tags';
import { labConfig, synthLab, type StackJson } from '../../support/lab-stack';

/** Every `tags` map anywhere in the resources (root_block_device.tags included). */
function tagMaps(json: StackJson): Array<{ where: string; keys: string[] }> {
  const found: Array<{ where: string; keys: string[] }> = [];
  const walk = (value: unknown, where: string) => {
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'tags' && v && typeof v === 'object' && !Array.isArray(v)) {
        found.push({ where, keys: Object.keys(v) });
      } else walk(v, `${where}.${k}`);
    }
  };
  for (const [type, byId] of Object.entries(json.resource)) walk(byId, type);
  return found;
}

describe('tags the stack adds (config/tags.ts counts them against the limit of 50)', () => {
  it('sets no tag key beyond STACK_TAG_KEYS on any resource, search included', () => {
    const { json } = synthLab(labConfig({ students: ['ana', 'bo'], search: { enabled: true } }));
    const defaults = (json.provider.aws[0]!.default_tags as Array<{ tags: object }>)[0]!.tags;
    const keys = new Set([...Object.keys(defaults), ...tagMaps(json).flatMap((m) => m.keys)]);
    expect(tagMaps(json).length).toBeGreaterThan(10);
    expect([...keys].sort()).toEqual([...STACK_TAG_KEYS].sort());
  });
});
