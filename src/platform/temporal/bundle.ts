/**
 * The workflow code bundled once, at release time (`npm run bundle-workflows`), so a worker skips
 * webpack when it starts — about half of a restarted worker's time to poll. Beside the bundle,
 * a manifest names every file webpack put in it with the file's SHA-256, and the bundle's own:
 * a worker refuses a bundle whose sources on disk have changed since (a deploy that forgot to
 * rebuild it would run yesterday's workflow code beside today's activities), or whose code is
 * not the one the manifest describes.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface BundleManifest {
  /** The bundle's own digest. */
  sha256: string;
  /** Each file in the bundle, relative to the project root, with its digest when bundled. */
  sources: Record<string, string>;
}

export class WorkflowBundleError extends Error {
  override name = 'WorkflowBundleError';
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const manifestPath = (bundlePath: string) => `${bundlePath}.manifest.json`;

/**
 * The files of the project in a bundle, by path from the project's root: the SDK's bundle ends
 * in an inline source map naming each module by its absolute path; webpack's own runtime
 * modules have no file and are left out.
 */
function sourceFiles(code: string): string[] {
  const inline = [...code.matchAll(/\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)/g)].at(-1);
  if (!inline) return [];
  const map = JSON.parse(Buffer.from(inline[1]!, 'base64').toString('utf8')) as { sources?: string[] };
  const files = new Set<string>();
  for (const source of map.sources ?? []) {
    const path = source.replace(/^webpack:\/\/[^/]*/, '').replace(/\?.*$/, '');
    if (!isAbsolute(path)) continue;
    const file = relative(root, path);
    if (!file.startsWith('..')) files.add(file);
  }
  return [...files].sort();
}

/**
 * Each file's digest, read in parallel; a file not on disk is left out. At bundling, that is the
 * entry point the SDK generates in memory (nothing on disk can change it); at a worker's start, a
 * source removed since.
 */
async function digests(files: string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    files.map(async (file) =>
      readFile(resolve(root, file)).then(
        (content) => [[file, sha256(content)] as const],
        () => [],
      ),
    ),
  );
  return Object.fromEntries(entries.flat());
}

/** Writes bundled workflow code (`bundleWorkflows()`) to `path`, with its manifest beside it. */
export async function writeWorkflowBundle(path: string, { code }: { code: string }): Promise<{ bytes: number; sources: number }> {
  const sources = await digests(sourceFiles(code));
  if (Object.keys(sources).length === 0) throw new WorkflowBundleError('the bundle names no source file: cannot tell when it is stale');
  const manifest: BundleManifest = { sha256: sha256(code), sources };
  await writeFile(path, code);
  await writeFile(manifestPath(path), `${JSON.stringify(manifest, null, 2)}\n`);
  return { bytes: Buffer.byteLength(code), sources: Object.keys(sources).length };
}

/** A prebuilt bundle's code once its manifest vouches for it; WorkflowBundleError names what is wrong. */
export async function readWorkflowBundle(path: string): Promise<{ code: string }> {
  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw new WorkflowBundleError(`TEMPORAL_WORKFLOW_BUNDLE: cannot read ${file} (build it with npm run bundle-workflows)`);
    }
  };
  const code = await read(path);
  const manifest = JSON.parse(await read(manifestPath(path))) as BundleManifest;
  if (sha256(code) !== manifest.sha256) throw new WorkflowBundleError(`${path} is not the bundle its manifest describes: rebuild it`);
  const onDisk = await digests(Object.keys(manifest.sources));
  const changed = Object.entries(manifest.sources)
    .filter(([file, digest]) => onDisk[file] !== digest)
    .map(([file]) => file);
  if (changed.length > 0)
    throw new WorkflowBundleError(
      `${path} was bundled from other sources than these (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed): rebuild it with npm run bundle-workflows`,
    );
  return { code };
}
