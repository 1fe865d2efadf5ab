import * as E from 'fp-ts/lib/Either.js';
import { openApp } from './app.js';
import { parseOptions, UsageError } from './args.js';
import type { Verb } from './verbs.js';

/** `selfprov autoregister`: what a new phone does when plugged in, from the terminal. */
export const autoregister: Verb = {
  summary: 'auto-register a phone by MAC (gets the lowest free DN of the range)',
  usage: `selfprov autoregister --mac <MAC> [--model "Cisco 8845"] [--protocol SIP|SCCP] [--cluster cluster-1] [--store URL]`,
  run: async (argv) => {
    const { values } = parseOptions(argv, {
      mac: { type: 'string' },
      model: { type: 'string' },
      protocol: { type: 'string' },
      cluster: { type: 'string' },
      store: { type: 'string' },
    });
    if (values.mac === undefined) throw new UsageError('--mac is required');
    const app = await openApp(values.store);
    if (!app) return 1;
    try {
      const result = await app.selfProvisioning.autoRegisterPhone(
        {
          clusterId: values.cluster ?? 'cluster-1',
          mac: values.mac,
          model: values.model ?? 'Cisco 8845',
          protocol: values.protocol ?? 'SIP',
        },
        { actor: { kind: 'administrator', id: 'cli' }, channel: 'cli', commandId: app.runtime.ids.uuid() },
      )();
      if (E.isLeft(result)) {
        console.error(
          `selfprov autoregister: ${result.left.code}: ${result.left.message}${result.left.field ? ` (field ${result.left.field})` : ''}`,
        );
        return 1;
      }
      console.log(`${result.right.deviceName} ${result.right.directoryNumber}`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
