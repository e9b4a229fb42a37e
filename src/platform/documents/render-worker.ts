/**
 * The worker thread's side of `renderPdfOffThread`: renders one document. A typed refusal (the
 * fonts missing) crosses the thread boundary as data, since a class does not survive it.
 */
import { AppError } from '../errors.js';
import { renderPdf, type PrintableDocument, type RenderOptions } from './pdf.js';

export type RenderResult =
  { ok: true; pdf: Uint8Array } | { ok: false; status: AppError['status']; code: string; message: string; details?: unknown };

export default async function render(input: { doc: PrintableDocument; options: RenderOptions }): Promise<RenderResult> {
  try {
    return { ok: true, pdf: await renderPdf(input.doc, input.options) };
  } catch (error) {
    if (error instanceof AppError)
      return { ok: false, status: error.status, code: error.code, message: error.message, details: error.details };
    throw error;
  }
}
