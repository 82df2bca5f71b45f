import type { CniAddon } from '../../../../shared/ports/cluster-directory.js';
import { CNI_ADDON_TTL_MS, cachedCniAddons } from '../../../../shared/runtime/cached-cni-addons.js';

describe('cachedCniAddons', () => {
  it('reads each cluster once per TTL and forgets a failed read', async () => {
    let nowMs = 0;
    const reads: string[] = [];
    let fail = false;
    const addon: CniAddon = { addonVersion: 'v1.19.0', configurationValues: '' };
    const reader = cachedCniAddons(
      {
        getCniAddon: async (clusterName) => {
          reads.push(clusterName);
          if (fail) throw new Error('ThrottlingException');
          return addon;
        },
      },
      { nowMs: () => nowMs },
    );
    expect(await reader.getCniAddon('shop')).toBe(addon);
    nowMs = CNI_ADDON_TTL_MS - 1;
    expect(await reader.getCniAddon('shop')).toBe(addon);
    expect(reads).toEqual(['shop']);
    nowMs = CNI_ADDON_TTL_MS;
    fail = true;
    await expect(reader.getCniAddon('shop')).rejects.toThrow('ThrottlingException');
    fail = false;
    expect(await reader.getCniAddon('shop')).toBe(addon);
    expect(reads).toEqual(['shop', 'shop', 'shop']);
  });
});
