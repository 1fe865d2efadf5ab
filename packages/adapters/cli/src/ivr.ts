import { seedDemoData } from '@selfprov/app';
import { runTerminalIvr } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import { openApp } from './app.js';
import { parseOptions, UsageError } from './args.js';
import type { Verb } from './verbs.js';

/** `selfprov ivr`: dial the self-provisioning IVR from a device, in the terminal. */
export const ivr: Verb = {
  summary: 'dial the self-provisioning IVR from a device; prompts on stdout, keys from stdin',
  usage: `selfprov ivr --device <deviceName> [--dial <ext>] [--language <locale>] [--store URL] [--demo]

Prompts are printed one per line; each input line holds keys (0-9 * #) and is sent as typed.
End of input hangs up. Scriptable:
  printf '1\\n1\\n2001#\\n1\\n73915824#\\n' | selfprov ivr --device SEP001122334455
  (demo: 1 = English at the language menu, 1 = provision this phone, id 2001#, 1 = confirm, PIN#)
  --language en_US skips the language menu; an administrator presses * then the authentication code.
--demo seeds the demo data first if the store has none.`,
  run: async (argv) => {
    const { values } = parseOptions(argv, {
      device: { type: 'string' },
      dial: { type: 'string' },
      language: { type: 'string' },
      store: { type: 'string' },
      demo: { type: 'boolean' },
    });
    if (values.device === undefined) throw new UsageError('--device is required');
    const app = await openApp(values.store);
    if (!app) return 1;
    try {
      if (values.demo) {
        const seeded = await seedDemoData(app);
        if (E.isLeft(seeded)) {
          console.error(`selfprov ivr: seeding the demo failed: ${seeded.left.code}: ${seeded.left.message}`);
          return 1;
        }
      }
      const result = await runTerminalIvr({
        gateway: app.ivrGateway,
        store: app.events,
        device: values.device,
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        ...(values.dial !== undefined ? { dial: values.dial } : {}),
        ...(values.language !== undefined ? { language: values.language } : {}),
      });
      if (result.outcome === 'failed') {
        console.error(`selfprov ivr: ${result.error?.code ?? 'failed'}: ${result.error?.message ?? 'the call could not start'}`);
        return 1;
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};
