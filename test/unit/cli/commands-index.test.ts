import { commands } from '../../../cli/commands/index.js';

describe('the command table', () => {
  it.each(commands.map((c) => [c.name, c]))(
    '%s loads the command it names, with its help',
    async (name, entry) => {
      const command = await entry.load();
      expect(command.name).toBe(name);
      expect(command.help).toMatch(new RegExp(`^Usage: capacity-guard ${name}\\b`));
    },
  );
});
