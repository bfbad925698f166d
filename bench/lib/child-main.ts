// Helpers for the child scripts (servers and baselines), never imported by the parent.

/**
 * For child scripts: runs `stop` then exits on SIGTERM/SIGINT or when the parent goes away
 * (stdin closes), so no child outlives the benchmark.
 */
export function exitWhenTold(stop: () => Promise<void>): void {
  let stopping = false;
  const go = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    stop()
      .catch((err: unknown) => console.error(err))
      .finally(() => {
        clearTimeout(force);
        process.exit(0);
      });
  };
  process.on('SIGTERM', go);
  process.on('SIGINT', go);
  process.stdin.on('end', go);
  process.stdin.on('close', go);
  process.stdin.resume();
}
