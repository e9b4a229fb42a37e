/**
 * Reading PDFs back in tests, through pdf.js (unpdf's Node build; no browser, no canvas): the
 * text of each page as a reader's copy-and-paste would give it, the page sizes and the metadata.
 */
import { extractText, getDocumentProxy } from 'unpdf';

export interface PdfContents {
  /** Page by page, in points, with the page's text (lines separated by "\n"). */
  pages: { width: number; height: number; text: string }[];
  /** The document information dictionary (Title, Subject, Creator …) and the catalogue's Language. */
  info: Record<string, unknown>;
}

export async function readPdf(buffer: Uint8Array): Promise<PdfContents> {
  // pdf.js takes ownership of the bytes it is given (it may detach them): it gets a copy.
  const pdf = await getDocumentProxy(new Uint8Array(buffer));
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    const pages: PdfContents['pages'] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const [x0, y0, x1, y1] = (await pdf.getPage(number)).view;
      pages.push({ width: x1! - x0!, height: y1! - y0!, text: text[number - 1] ?? '' });
    }
    const { info } = await pdf.getMetadata();
    return { pages, info: info as Record<string, unknown> };
  } finally {
    await pdf.destroy();
  }
}

/** The text of every page, pages separated by a blank line. */
export async function pdfText(buffer: Uint8Array): Promise<string> {
  const { pages } = await readPdf(buffer);
  return pages.map((page) => page.text).join('\n\n');
}
