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
import { MAX_UPLOADS, mediaTypeOf, UPLOAD_ACCEPT, uploadProblem } from '../../lib/uploads';

type Attachment = Schemas['Attachment'];

const problemWith = (file: File, count: number) => uploadProblem(file, count, '申请');

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
        accept={UPLOAD_ACCEPT}
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
      <Typography.Text type="secondary">PDF、JPEG、PNG、DOCX、XLSX、OFD，单个不超过 10 MB，最多 {MAX_UPLOADS} 个</Typography.Text>
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
