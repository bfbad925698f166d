import { LocalBus, type LocalBusOptions } from '../src/bus/local.js';
import { runBusContract } from './bus-contract/index.js';

// The in-process bus in each of its modes; it is its own whole network, so "another node" is the
// same bus. Serialized modes round-trip every message through the codec and refuse bad ones.
const modes: [string, LocalBusOptions][] = [
  ['LocalBus (sync)', {}],
  ['LocalBus (sync, serialized)', { serialize: true }],
  ['LocalBus (deferred)', { delivery: 'deferred' }],
  ['LocalBus (deferred, serialized)', { delivery: 'deferred', serialize: true }],
];

for (const [name, options] of modes) {
  runBusContract(name, async () => {
    const errors: unknown[] = [];
    const bus = new LocalBus({ ...options, onHandlerError: (err) => errors.push(err) });
    return { nodes: [bus], errors, decodes: options.serialize === true };
  });
}
