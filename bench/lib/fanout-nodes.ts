// P7's member sockets spread over several server nodes: P2's receiver processes (ReceiverPool),
// each told to connect its share of the group's members to one node.
import type { FanoutCommand, FanoutReply } from './fanout-protocol.js';
import type { ReceiverPool } from './fanout.js';

/**
 * Connects `tokens.length` quickchat member sockets through `pool`, `perNode[k]` of them to node
 * `wsUrls[k]` (in token order: the first `perNode[0]` tokens go to the first node, and so on).
 * Receiver process `i` serves node `i % wsUrls.length`, so the pool needs at least one process per
 * node; each node's members are shared evenly by its processes. Afterwards `pool.round` runs on
 * them as on sockets opened by `pool.connect`.
 */
export async function connectAcrossNodes(pool: ReceiverPool, wsUrls: readonly string[], perNode: readonly number[], tokens: readonly string[]): Promise<void> {
  const receivers = pool.receivers;
  if (receivers.length < wsUrls.length) throw new Error(`connectAcrossNodes: ${receivers.length} receiver processes for ${wsUrls.length} nodes`);
  if (perNode.reduce((a, b) => a + b, 0) !== tokens.length) throw new Error('connectAcrossNodes: perNode does not add up to the tokens');
  const jobs: Promise<void>[] = [];
  let from = 0;
  wsUrls.forEach((url, node) => {
    const mine = receivers.filter((_, i) => i % wsUrls.length === node);
    const count = perNode[node]!;
    mine.forEach((r, j) => {
      const share = Math.floor(count / mine.length) + (j < count % mine.length ? 1 : 0);
      const slice = tokens.slice(from, from + share);
      from += share;
      r.sockets.set('quickchat', share);
      if (share === 0) return;
      jobs.push(
        new Promise<void>((resolve, reject) => {
          const onReply = (reply: FanoutReply) => {
            if (reply.ev === 'error') reject(new Error(`receiver ${r.child.pid}: ${reply.message}`));
            else if (reply.ev !== 'connected' || reply.system !== 'quickchat') return;
            else resolve();
            r.child.off('message', onReply);
          };
          r.child.on('message', onReply);
          r.child.send({ cmd: 'connect', system: 'quickchat', url, count: share, tokens: slice } satisfies FanoutCommand);
        }),
      );
    });
  });
  await Promise.all(jobs);
}
