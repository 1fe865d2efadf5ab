import { UsageError } from './args.js';
import { verbs } from './verbs.js';

const usage = `selfprov <command> [options]

Commands:
${Object.entries(verbs)
  .map(([name, v]) => `  ${name.padEnd(18)} ${v.summary}`)
  .join('\n')}

Store selection (every command): --store URL or SELFPROV_STORE
  sqlite:<path> (default sqlite:./.selfprov/events.db), memory:, postgres://..., kurrentdb://..., esdb://...
Run "selfprov <command> --help" for a command's options.`;

const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage);
    return name === undefined ? 2 : 0;
  }
  const verb = verbs[name];
  if (!verb) {
    console.error(`selfprov: unknown command ${JSON.stringify(name)}\n\n${usage}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(verb.usage);
    return 0;
  }
  try {
    return await verb.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`selfprov ${name}: ${error.message}\n\n${verb.usage}`);
      return 2;
    }
    throw error;
  }
};

// `selfprov ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
