// A bounded cache of compiled expressions (filters, templates), keyed by their source text, so a
// subscription's filter or template is compiled once, not per event or attempt, and a changed one is
// compiled afresh without anyone having to say so (the key is the text). Insertion order is the
// eviction order: past `max` entries the oldest goes. Per process (per thread for SQLite's ingest).
export class CompileCache<C> {
  private readonly entries = new Map<string, C>();

  constructor(
    private readonly max: number,
    private readonly compile: (key: string) => C,
  ) {}

  get(key: string): C {
    let compiled = this.entries.get(key);
    if (compiled === undefined) {
      compiled = this.compile(key);
      if (this.entries.size >= this.max) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(key, compiled);
    }
    return compiled;
  }
}
