/**
 * A request's attachments: uploaded to a draft, to the answer of an open supplement request or to
 * a party's position in a coordination (三方协调), checked here against the contract's limits (type, 10 MB, 10 files) before they are sent, and
 * downloaded with the session's token.
 */
import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, List, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, rawBody, saveFile, unwrap, type Schemas } from '../../lib/api';

type Attachment = Schemas['Attachment'];

/** The media types the API stores, by file extension (browsers do not know .ofd). */
const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ofd: 'application/ofd',
};
const MAX_BYTES = 10 * 1024 * 1024;
const MAX_FILES = 10;

function mediaTypeOf(file: File): string | undefined {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return MEDIA_TYPES[extension];
}

/** Why the file cannot be attached, before it is sent; null when it can. */
function problemWith(file: File, count: number): Error | null {
  if (count >= MAX_FILES) return new Error(`每个申请最多 ${MAX_FILES} 个附件`);
  if (!mediaTypeOf(file)) return new Error(`不支持的文件类型：${file.name}（可上传 PDF、JPEG、PNG、DOCX、XLSX、OFD）`);
  if (file.size > MAX_BYTES) return new Error(`${file.name} 超过 10 MB`);
  return null;
}

export function AttachmentUpload(props: {
  requestId: string;
  /** The files listed under the button. */
  attachments: Attachment[];
  label: string;
  /** How many files the request carries in all (the limit is the request's), when more than those listed. */
  total?: number;
  /** Told of each file stored (a position cites the files uploaded for it). */
  onUploaded?: (attachment: Attachment) => void;
}) {
  const { requestId, attachments, label } = props;
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Error | null>(null);
  const upload = useMutation({
    mutationFn: (file: File) =>
      unwrap(
        api.POST('/api/v1/requests/{requestId}/attachments', {
          params: { path: { requestId }, query: { fileName: file.name } },
          body: file as never,
          ...rawBody,
          headers: { 'Content-Type': mediaTypeOf(file)! },
        }),
      ),
    onSuccess: (stored) => {
      props.onUploaded?.(stored);
      void queryClient.invalidateQueries({ queryKey: ['request', requestId] });
    },
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Upload
        showUploadList={false}
        accept={Object.keys(MEDIA_TYPES)
          .map((e) => `.${e}`)
          .join(',')}
        customRequest={({ file }) => {
          const picked = file as File;
          const found = problemWith(picked, props.total ?? attachments.length);
          setProblem(found);
          if (!found) upload.mutate(picked);
        }}
      >
        <Button icon={<UploadOutlined />} loading={upload.isPending} aria-label={label}>
          {label}
        </Button>
      </Upload>
      <Typography.Text type="secondary">PDF、JPEG、PNG、DOCX、XLSX、OFD，单个不超过 10 MB，最多 {MAX_FILES} 个</Typography.Text>
      <ErrorAlert error={problem ?? upload.error} />
      <AttachmentList requestId={requestId} attachments={attachments} />
    </Space>
  );
}

async function download(requestId: string, attachment: Attachment): Promise<void> {
  const file = await unwrap(
    api.GET('/api/v1/requests/{requestId}/attachments/{attachmentId}', {
      params: { path: { requestId, attachmentId: attachment.id } },
      parseAs: 'blob',
    }),
  );
  saveFile(file, attachment.fileName);
}

export function AttachmentList({ requestId, attachments }: { requestId: string; attachments: Attachment[] }) {
  const [error, setError] = useState<unknown>(null);
  if (attachments.length === 0) return null;
  return (
    <>
      <List
        size="small"
        dataSource={attachments}
        renderItem={(a) => (
          <List.Item>
            <Button
              type="link"
              icon={<PaperClipOutlined />}
              onClick={() => void download(requestId, a).catch(setError)}
              aria-label={`下载附件 ${a.fileName}`}
            >
              {a.fileName}
            </Button>
            <Typography.Text type="secondary">
              {(a.sizeBytes / 1024).toFixed(1)} KB · SHA-256 {a.sha256.slice(0, 12)}…{a.supplementId ? ' · 补正材料' : ''}
            </Typography.Text>
          </List.Item>
        )}
      />
      <ErrorAlert error={error} />
    </>
  );
}
