/** Files the platform stores (attachments, evidence): their media types by extension and the limits the API enforces. */

/** The media types the API stores, by file extension (browsers do not know .ofd). */
export const UPLOAD_MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ofd: 'application/ofd',
};
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOADS = 10;
export const UPLOAD_ACCEPT = Object.keys(UPLOAD_MEDIA_TYPES)
  .map((e) => `.${e}`)
  .join(',');

export function mediaTypeOf(file: File): string | undefined {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return UPLOAD_MEDIA_TYPES[extension];
}

/** Why the file cannot be sent, before it is; null when it can. `what`: the record that carries the files (申请, 异议). */
export function uploadProblem(file: File, count: number, what: string): Error | null {
  if (count >= MAX_UPLOADS) return new Error(`每个${what}最多 ${MAX_UPLOADS} 个附件`);
  if (!mediaTypeOf(file)) return new Error(`不支持的文件类型：${file.name}（可上传 PDF、JPEG、PNG、DOCX、XLSX、OFD）`);
  if (file.size > MAX_UPLOAD_BYTES) return new Error(`${file.name} 超过 10 MB`);
  return null;
}
