import { startMoto } from './moto.js';

const ABSENT = 'moto_server-not-installed-here';

describe('startMoto without moto_server', () => {
  it('fails in CI, so an integration suite can never pass by skipping there', async () => {
    await expect(startMoto('suite', { command: ABSENT, env: { CI: 'true' } })).rejects.toThrow(
      "suite: moto_server is not installed (pip install 'moto[server]')",
    );
  });

  it('skips outside CI', async () => {
    await expect(startMoto('suite', { command: ABSENT, env: {} })).resolves.toBeNull();
  });
});
