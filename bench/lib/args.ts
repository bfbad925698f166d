/**
 * Command-line flags for the benchmarks: `--name=value`, `--name value` or a bare `--flag`.
 * Every numeric flag can also come from the environment as `BENCH_NAME` (dashes → underscores).
 */
export class Flags {
  private readonly values = new Map<string, string>();

  constructor(argv: readonly string[] = process.argv.slice(2)) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (!arg.startsWith('--')) continue;
      const eq = arg.indexOf('=');
      if (eq > 0) {
        this.values.set(arg.slice(2, eq), arg.slice(eq + 1));
      } else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) {
        this.values.set(arg.slice(2), argv[++i]!);
      } else {
        this.values.set(arg.slice(2), 'true');
      }
    }
  }

  /** True when the flag was given (`--quick`, `--quick=true`) or `BENCH_QUICK=1`. */
  has(name: string): boolean {
    const v = this.raw(name);
    return v !== undefined && v !== 'false' && v !== '0';
  }

  /** A string flag, or undefined. */
  str(name: string): string | undefined {
    return this.raw(name);
  }

  /** A positive number flag, or `fallback`. Throws on a malformed value rather than guessing. */
  num(name: string, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${v}"`);
    return n;
  }

  private raw(name: string): string | undefined {
    return this.values.get(name) ?? process.env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`];
  }
}
