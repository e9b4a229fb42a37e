/**
 * What is built from an immutable published version (a calendar, a key-work scenario list),
 * kept per process for the last few versions. Keyed by the version and the instant it was
 * published — what identifies the stored version, not the handle reading it (every transaction
 * is a handle of its own).
 */
export class PublishedVersions<T> {
  private readonly built = new Map<string, T>();

  constructor(private readonly kept = 8) {}

  static key(version: number, publishedAt: Date | undefined): string {
    return `${version}@${publishedAt?.toISOString() ?? ''}`;
  }

  get(key: string): T | undefined {
    return this.built.get(key);
  }

  set(key: string, value: T): T {
    if (this.built.size >= this.kept) this.built.delete(this.built.keys().next().value!);
    this.built.set(key, value);
    return value;
  }
}
