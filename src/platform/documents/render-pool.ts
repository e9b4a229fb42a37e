/**
 * PDF rendering off the API's event loop: laying out and subsetting the CJK fonts costs a few
 * hundred milliseconds of CPU per document, which would stall every other request the process
 * serves meanwhile. A small pool of worker threads (piscina) renders them; idle, it holds none.
 */
import { Piscina } from 'piscina';
import { AppError } from '../errors.js';
import type { PrintableDocument, RenderOptions } from './pdf.js';
import type { RenderResult } from './render-worker.js';

let pool: Piscina | null = null;

/** The worker module next to this one, whatever the process runs (TypeScript through tsx, or built JavaScript). */
const workerFile = new URL(`./render-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

export async function renderPdfOffThread(doc: PrintableDocument, options: RenderOptions): Promise<Buffer> {
  pool ??= new Piscina({ filename: workerFile, minThreads: 0, maxThreads: 2, idleTimeout: 30_000 });
  const result = (await pool.run({ doc, options })) as RenderResult;
  if (!result.ok) {
    throw new AppError(result.status, result.code, result.message, result.details);
  }
  return Buffer.from(result.pdf.buffer, result.pdf.byteOffset, result.pdf.byteLength);
}

/** Ends the pool's threads (the API's shutdown). */
export async function closeRenderPool(): Promise<void> {
  const closing = pool;
  pool = null;
  await closing?.destroy();
}
